/**
 * Find the word being typed at the caret that should open a suggestion list:
 *   "@al"  -> { type: 'mention', query: 'al' }
 *   ":smi" -> { type: 'emoji', query: 'smi' }   (2+ characters)
 */

const MENTION_TRIGGER = /(^|\s)@([^\s@]*(?:@[^\s@]*)?)$/;
const EMOJI_TRIGGER = /(^|\s):([a-z0-9_+-]{2,})$/i;

export const MIN_EMOJI_QUERY = 2;

export function findTrigger(text, caret) {
  const before = text.slice(0, caret);
  const mention = MENTION_TRIGGER.exec(before);
  if (mention) {
    const query = mention[2];
    return { type: 'mention', query, start: caret - query.length - 1, end: caret };
  }
  const emoji = EMOJI_TRIGGER.exec(before);
  if (emoji) {
    const query = emoji[2];
    return { type: 'emoji', query, start: caret - query.length - 1, end: caret };
  }
  return null;
}

export function filterMembers(members, query, limit = 6) {
  const needle = query.toLowerCase();
  return members
    .filter(
      (member) =>
        member.name.toLowerCase().includes(needle) || member.email.toLowerCase().includes(needle),
    )
    .slice(0, limit);
}

/** Replace the trigger text with `insertion` and a space; returns the new text and caret. */
export function applySuggestion(text, trigger, insertion) {
  const before = text.slice(0, trigger.start);
  const after = text.slice(trigger.end);
  const spacer = after.startsWith(' ') ? '' : ' ';
  const next = `${before}${insertion}${spacer}${after}`;
  return { text: next, caret: before.length + insertion.length + 1 };
}
