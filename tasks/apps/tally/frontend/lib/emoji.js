/** Shortcodes offered by the composer's ":" suggestions. */
export const EMOJI = [
  ['smile', '😄'], ['smiley', '😃'], ['grin', '😁'], ['joy', '😂'], ['wink', '😉'],
  ['blush', '😊'], ['heart_eyes', '😍'], ['thinking', '🤔'], ['neutral_face', '😐'],
  ['sweat_smile', '😅'], ['sob', '😭'], ['angry', '😠'], ['scream', '😱'],
  ['sunglasses', '😎'], ['smirk', '😏'], ['upside_down', '🙃'], ['relieved', '😌'],
  ['sleeping', '😴'], ['nerd', '🤓'], ['partying_face', '🥳'], ['hugging', '🤗'],
  ['thumbsup', '👍'], ['thumbsdown', '👎'], ['clap', '👏'], ['wave', '👋'], ['pray', '🙏'],
  ['muscle', '💪'], ['ok_hand', '👌'], ['raised_hands', '🙌'], ['point_up', '☝️'],
  ['eyes', '👀'], ['heart', '❤️'], ['broken_heart', '💔'], ['fire', '🔥'], ['star', '⭐'],
  ['sparkles', '✨'], ['tada', '🎉'], ['confetti_ball', '🎊'], ['rocket', '🚀'],
  ['100', '💯'], ['check', '✅'], ['x', '❌'], ['warning', '⚠️'], ['question', '❓'],
  ['bulb', '💡'], ['money_bag', '💰'], ['dollar', '💵'], ['euro', '💶'], ['yen', '💴'],
  ['pound', '💷'], ['credit_card', '💳'], ['receipt', '🧾'], ['chart', '📈'],
  ['calendar', '📅'], ['airplane', '✈️'], ['taxi', '🚕'], ['train', '🚆'], ['hotel', '🏨'],
  ['coffee', '☕'], ['pizza', '🍕'], ['beer', '🍺'], ['sushi', '🍣'], ['smiling_imp', '😈'],
];

const BY_NAME = new Map(EMOJI);

export function emojiFor(name) {
  return BY_NAME.get(name) ?? null;
}

/** Emoji whose name starts with the query first, then those that contain it. */
export function searchEmoji(query, limit = 8) {
  const needle = query.toLowerCase();
  const starts = [];
  const contains = [];
  for (const [name, char] of EMOJI) {
    if (name.startsWith(needle)) starts.push({ name, char });
    else if (name.includes(needle)) contains.push({ name, char });
  }
  return [...starts, ...contains].slice(0, limit);
}
