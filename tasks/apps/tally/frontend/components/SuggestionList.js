import { html } from '../lib/html.js';
import { Avatar } from './Avatar.js';

function MentionOption({ item }) {
  return html`
    <${Avatar} user=${item} size="xs" />
    <span class="suggestion-name">${item.name}</span>
    <span class="suggestion-meta">${item.email}</span>
  `;
}

function EmojiOption({ item }) {
  return html`
    <span class="suggestion-emoji">${item.char}</span>
    <span class="suggestion-name">:${item.name}:</span>
  `;
}

/** The popup above the composer; the composer owns the keyboard handling. */
export function SuggestionList({ type, items, active, onPick, onHover }) {
  const isMention = type === 'mention';
  const testId = isMention ? 'mention-suggestions' : 'emoji-suggestions';
  return html`
    <ul class="suggestions" role="listbox" data-testid=${testId}>
      ${items.map((item, index) => {
        const key = isMention ? item.id : item.name;
        return html`
          <li
            key=${key}
            role="option"
            aria-selected=${index === active ? 'true' : 'false'}
            class=${`suggestion${index === active ? ' active' : ''}`}
            data-testid=${isMention ? `mention-option-${item.id}` : `emoji-option-${item.name}`}
            onMouseDown=${(event) => {
              event.preventDefault();
              onPick(item);
            }}
            onMouseEnter=${() => onHover(index)}
          >
            ${isMention ? html`<${MentionOption} item=${item} />` : html`<${EmojiOption} item=${item} />`}
          </li>
        `;
      })}
    </ul>
  `;
}
