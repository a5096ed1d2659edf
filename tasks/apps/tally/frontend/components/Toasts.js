import { html } from '../lib/html.js';
import { useStore } from '../state/store.js';
import { dismissToast, toastStore } from '../state/toasts.js';

export function Toasts() {
  const { toasts } = useStore(toastStore);
  if (toasts.length === 0) return null;
  return html`
    <div class="toasts" aria-live="polite">
      ${toasts.map(
        (toast) => html`
          <div key=${toast.id} class=${`toast toast-${toast.kind}`} data-testid="toast">
            <span>${toast.text}</span>
            <button class="icon-button" type="button" onClick=${() => dismissToast(toast.id)}>
              ×
            </button>
          </div>
        `,
      )}
    </div>
  `;
}
