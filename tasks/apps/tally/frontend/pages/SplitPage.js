import { useEffect } from 'preact/hooks';
import { html } from '../lib/html.js';
import { Chat } from '../lib/api.js';
import { formatTimestamp } from '../lib/dates.js';
import { useDocumentTitle, useResource } from '../lib/hooks.js';
import { formatMoney } from '../lib/money.js';
import { Link } from '../lib/router.js';
import { selectWorkspace } from '../state/workspaces.js';
import { Avatar } from '../components/Avatar.js';
import { ErrorBanner, Spinner } from '../components/Feedback.js';
import { splitCountLabel } from '../components/SplitCard.js';

export function SplitPage({ params }) {
  const splitId = Number(params.splitId);
  const { data: split, error, loading } = useResource(() => Chat.split(splitId), [splitId]);
  useDocumentTitle(split?.description || 'Split');

  useEffect(() => {
    if (split) selectWorkspace(split.workspace_id).catch(() => {});
  }, [split?.workspace_id]);

  if (error) {
    return html`<div class="page"><${ErrorBanner} error=${error} testId="split-error" /></div>`;
  }
  if (loading || !split) return html`<div class="page"><${Spinner} /></div>`;

  return html`
    <div class="page page-narrow" data-testid="split-detail">
      <${Link} href=${`/rooms/${split.room_id}`} class="back-link" data-testid="back-to-room">
        ← Back to the conversation
      <//>
      <section class="card split-detail">
        <header class="split-detail-header">
          <div>
            <p class="summary-label">Split bill</p>
            <h1 data-testid="split-detail-description">${split.description || 'Split'}</h1>
            <p class="muted">
              Created by ${split.creator.name} · ${formatTimestamp(split.created_at)}
            </p>
          </div>
          <div class="split-detail-total">
            <span class="summary-total" data-testid="split-detail-total">
              ${formatMoney(split.amount, split.currency)}
            </span>
            <span class="muted" data-testid="split-detail-count">
              ${splitCountLabel(split.participants.length)}
            </span>
          </div>
        </header>
        <ul class="share-list">
          ${split.participants.map(
            (participant) => html`
              <li key=${participant.id} class="share-row" data-testid=${`split-share-${participant.id}`}>
                <${Avatar} user=${participant} />
                <div class="member-info">
                  <span class="member-name">${participant.name}</span>
                  <span class="member-email">${participant.email}</span>
                </div>
                <span class="share-amount" data-testid=${`share-amount-${participant.id}`}>
                  ${formatMoney(participant.share, split.currency)}
                </span>
              </li>
            `,
          )}
        </ul>
      </section>
    </div>
  `;
}
