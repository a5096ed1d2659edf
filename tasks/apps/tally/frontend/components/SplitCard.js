import { html } from '../lib/html.js';
import { formatMoney } from '../lib/money.js';
import { Link } from '../lib/router.js';
import { AvatarStack } from './AvatarStack.js';

export function splitCountLabel(count) {
  return `Split with ${count} ${count === 1 ? 'person' : 'people'}`;
}

/** The preview of a bill split shown in the chat. */
export function SplitCard({ split }) {
  return html`
    <${Link} href=${`/splits/${split.id}`} class="split-card" data-testid=${`split-card-${split.id}`}>
      <div class="split-card-top">
        <span class="split-card-label">Split bill</span>
        <span class="split-card-total" data-testid=${`split-total-${split.id}`}>
          ${formatMoney(split.amount, split.currency)}
        </span>
      </div>
      ${split.description && html`<div class="split-card-description">${split.description}</div>`}
      <div class="split-card-bottom">
        <${AvatarStack} users=${split.participants} />
        <span class="split-card-count" data-testid=${`split-count-${split.id}`}>
          ${splitCountLabel(split.participants.length)}
        </span>
      </div>
    <//>
  `;
}
