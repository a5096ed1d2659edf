import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { searchEmoji } from '../lib/emoji.js';
import { applySuggestion, filterMembers, findTrigger } from '../lib/suggestions.js';
import { clearDraft, getDraft, setDraft } from '../state/drafts.js';
import { SuggestionList } from './SuggestionList.js';

const MAX_HEIGHT = 160;

/**
 * The message box. Enter sends, Shift+Enter adds a line. "@" suggests workspace members,
 * ":" plus two letters suggests emoji. The unsent text is kept as the room's draft.
 * Render it with key={roomId} so that switching rooms starts from that room's draft.
 */
export function Composer({ roomId, members = [], onSend, placeholder, disabled, children }) {
  const [text, setText] = useState(() => getDraft(roomId));
  const [caret, setCaret] = useState(() => getDraft(roomId).length);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState(null);
  const inputRef = useRef(null);
  const sendingRef = useRef(false);
  const textRef = useRef(text);
  const pendingCaret = useRef(null);

  const trigger = findTrigger(text, caret);

  const suggestions = useMemo(() => {
    if (!trigger || trigger.start === dismissedAt) return null;
    const items =
      trigger.type === 'mention' ? filterMembers(members, trigger.query) : searchEmoji(trigger.query);
    return items.length ? { type: trigger.type, items } : null;
  }, [trigger?.type, trigger?.query, trigger?.start, dismissedAt, members]);

  useEffect(() => {
    setActive(0);
  }, [suggestions?.type, trigger?.query]);

  useLayoutEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, MAX_HEIGHT)}px`;
    if (pendingCaret.current !== null) {
      input.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
  }, [text]);

  const updateText = (value, nextCaret = value.length) => {
    textRef.current = value;
    setText(value);
    setCaret(nextCaret);
    setDraft(roomId, value);
  };

  const pick = (item) => {
    const insertion = suggestions.type === 'mention' ? `@${item.email}` : item.char;
    const next = applySuggestion(text, trigger, insertion);
    pendingCaret.current = next.caret;
    updateText(next.text, next.caret);
    inputRef.current?.focus();
  };

  const send = async () => {
    const body = textRef.current.trim();
    if (!body || sendingRef.current || disabled) return;
    sendingRef.current = true;
    setSending(true);
    setError(null);
    const sentText = textRef.current;
    try {
      await onSend(body);
      // Keep anything typed while the message was on its way.
      if (textRef.current === sentText) {
        updateText('', 0);
        clearDraft(roomId);
      }
    } catch (err) {
      setError(err.message);
    } finally {
      sendingRef.current = false;
      setSending(false);
      inputRef.current?.focus();
    }
  };

  const onInput = (event) => {
    const { value, selectionStart } = event.currentTarget;
    updateText(value, selectionStart);
    const next = findTrigger(value, selectionStart);
    if (!next || next.start !== dismissedAt) setDismissedAt(null);
  };

  const syncCaret = (event) => setCaret(event.currentTarget.selectionStart);

  const onKeyDown = (event) => {
    if (event.isComposing) return;
    if (suggestions) {
      const count = suggestions.items.length;
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        setActive((index) => (index + 1) % count);
        return;
      }
      if (event.key === 'ArrowUp') {
        event.preventDefault();
        setActive((index) => (index - 1 + count) % count);
        return;
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault();
        pick(suggestions.items[Math.min(active, count - 1)]);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setDismissedAt(trigger.start);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  };

  return html`
    <div class="composer">
      ${suggestions &&
      html`<${SuggestionList}
        type=${suggestions.type}
        items=${suggestions.items}
        active=${active}
        onPick=${pick}
        onHover=${setActive}
      />`}
      ${error && html`<p class="composer-error" role="alert" data-testid="composer-error">${error}</p>`}
      <div class="composer-box">
        ${children}
        <textarea
          ref=${inputRef}
          rows="1"
          value=${text}
          placeholder=${placeholder ?? 'Write a message'}
          aria-label="Message"
          disabled=${disabled}
          onInput=${onInput}
          onKeyDown=${onKeyDown}
          onKeyUp=${syncCaret}
          onClick=${syncCaret}
          data-testid="composer-input"
        ></textarea>
        <button
          type="button"
          class="button button-primary composer-send"
          disabled=${sending || disabled || !text.trim()}
          onClick=${send}
          data-testid="composer-send"
        >
          ${sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      <p class="composer-hint">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line ·
        <code>*bold*</code> <code>_italic_</code> <code>\`code\`</code>
      </p>
    </div>
  `;
}
