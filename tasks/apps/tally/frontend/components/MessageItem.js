import { html } from '../lib/html.js';
import { formatTimestamp } from '../lib/dates.js';
import { renderMarkdown } from '../lib/markdown.js';
import { Avatar } from './Avatar.js';
import { SplitCard } from './SplitCard.js';

export function MessageItem({ message }) {
  const { id, author, body, split } = message;
  return html`
    <article class="message" data-testid=${`message-${id}`}>
      <${Avatar} user=${author} />
      <div class="message-main">
        <header class="message-header">
          <span class="message-author" data-testid=${`author-${id}`}>${author.name}</span>
          <time class="message-time" datetime=${message.created_at}>
            ${formatTimestamp(message.created_at)}
          </time>
        </header>
        ${split
          ? html`<${SplitCard} split=${split} />`
          : html`<div
              class="message-body markdown"
              data-testid=${`body-${id}`}
              dangerouslySetInnerHTML=${{ __html: renderMarkdown(body) }}
            ></div>`}
      </div>
    </article>
  `;
}
