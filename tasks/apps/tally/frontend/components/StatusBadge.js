import { html } from '../lib/html.js';

const LABELS = {
  open: 'Open',
  submitted: 'Submitted',
  approved: 'Approved',
  rejected: 'Rejected',
};

export function StatusBadge({ status, testId }) {
  return html`<span class=${`badge badge-${status}`} data-testid=${testId}>
    ${LABELS[status] ?? status}
  </span>`;
}
