import { html } from '../lib/html.js';
import { Icon } from './Icon.js';

export function Spinner({ label = 'Loading…' }) {
  return html`<div class="loading" role="status"><span class="spinner"></span>${label}</div>`;
}

export function ErrorBanner({ error, testId = 'error-banner', onDismiss }) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  return html`
    <div class="error-banner" role="alert" data-testid=${testId}>
      <span>${message}</span>
      ${onDismiss &&
      html`<button class="icon-button" type="button" aria-label="Dismiss" onClick=${onDismiss}>
        <${Icon} name="close" />
      </button>`}
    </div>
  `;
}

export function EmptyState({ title, children, testId }) {
  return html`
    <div class="empty-state" data-testid=${testId}>
      <p class="empty-title">${title}</p>
      ${children && html`<p class="empty-body">${children}</p>`}
    </div>
  `;
}

export function FieldError({ error, field, testIdPrefix }) {
  if (!error || error.field !== field) return null;
  return html`<p class="field-error" data-testid=${`${testIdPrefix}-${field}`}>${error.message}</p>`;
}
