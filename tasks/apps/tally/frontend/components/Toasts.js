import { html } from '../lib/html.js';
import { useStore } from '../state/store.js';
import { dismissToast, toastStore } from '../state/toasts.js';
import { Icon } from './Icon.js';

export function Toasts() {
  const { toasts } = useStore(toastStore);
  if (toasts.length === 0) return null;
  return html`
    <div class="toasts" aria-live="polite">
      ${toasts.map(
        (toast) => html`
          <div key=${toast.id} class=${`toast toast-${toast.kind}`} data-testid="toast">
            <span>${toast.text}</span>
            <button
              class="icon-button"
              type="button"
              aria-label="Dismiss"
              onClick=${() => dismissToast(toast.id)}
            >
              <${Icon} name="close" size=${14} />
            </button>
          </div>
        `,
      )}
    </div>
  `;
}
