import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { Chat } from '../lib/api.js';
import { useInterval } from '../lib/hooks.js';
import { Composer } from './Composer.js';
import { ErrorBanner, Spinner } from './Feedback.js';
import { MessageList } from './MessageList.js';
import { SplitForm } from './SplitForm.js';

const POLL_MS = 4000;

function mergeMessages(existing, incoming) {
  const known = new Set(existing.map((message) => message.id));
  const fresh = incoming.filter((message) => !known.has(message.id));
  if (fresh.length === 0) return existing;
  return [...existing, ...fresh].sort((a, b) => a.id - b.id);
}

/** Messages and composer of one room (a workspace room or a report's chat). */
export function ChatPanel({ room, canSplit = false, placeholder }) {
  const roomId = room.id;
  const [messages, setMessages] = useState([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);
  const [splitting, setSplitting] = useState(false);
  const lastIdRef = useRef(0);
  const pollingRef = useRef(false);

  const append = useCallback((incoming) => {
    setMessages((existing) => {
      const merged = mergeMessages(existing, incoming);
      if (merged.length) lastIdRef.current = merged[merged.length - 1].id;
      return merged;
    });
  }, []);

  useEffect(() => {
    let cancelled = false;
    setMessages([]);
    setLoading(true);
    setError(null);
    lastIdRef.current = 0;
    Chat.messages(roomId)
      .then(({ messages: loaded }) => {
        if (!cancelled) append(loaded);
      })
      .catch((err) => {
        if (!cancelled) setError(err);
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [roomId]);

  useInterval(async () => {
    if (pollingRef.current || loading) return;
    pollingRef.current = true;
    try {
      const { messages: newer } = await Chat.messages(roomId, lastIdRef.current);
      append(newer);
    } catch {
      // Try again on the next tick.
    } finally {
      pollingRef.current = false;
    }
  }, POLL_MS);

  const send = async (body) => {
    const { message } = await Chat.send(roomId, body);
    append([message]);
  };

  const onSplitCreated = (message) => {
    append([message]);
    setSplitting(false);
  };

  return html`
    <section class="chat-panel" data-testid=${`chat-${roomId}`}>
      <${ErrorBanner} error=${error} testId="chat-error" />
      ${loading ? html`<${Spinner} label="Loading messages…" />` : html`<${MessageList} messages=${messages} />`}
      <${Composer}
        key=${roomId}
        roomId=${roomId}
        members=${room.members}
        onSend=${send}
        placeholder=${placeholder}
      >
        ${canSplit &&
        html`<button
          type="button"
          class="button composer-action"
          title="Split a bill"
          onClick=${() => setSplitting(true)}
          data-testid="split-button"
        >
          Split
        </button>`}
      <//>
      ${splitting &&
      html`<${SplitForm}
        roomId=${roomId}
        members=${room.members}
        defaultCurrency=${room.workspace.currency}
        onCreated=${onSplitCreated}
        onClose=${() => setSplitting(false)}
      />`}
    </section>
  `;
}
