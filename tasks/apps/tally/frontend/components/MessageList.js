import { useLayoutEffect, useRef } from 'preact/hooks';
import { html } from '../lib/html.js';
import { EmptyState } from './Feedback.js';
import { MessageItem } from './MessageItem.js';

export function MessageList({ messages }) {
  const listRef = useRef(null);
  const lastId = messages.length ? messages[messages.length - 1].id : null;

  // Stay at the newest message whenever one arrives.
  useLayoutEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [lastId]);

  return html`
    <div class="message-list" ref=${listRef} data-testid="messages">
      ${messages.length === 0
        ? html`<${EmptyState} title="No messages yet" testId="messages-empty">
            Start the conversation below.
          <//>`
        : messages.map((message) => html`<${MessageItem} key=${message.id} message=${message} />`)}
    </div>
  `;
}
