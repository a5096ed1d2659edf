import { html } from '../lib/html.js';
import { useDocumentTitle } from '../lib/hooks.js';
import { Link } from '../lib/router.js';
import { EmptyState } from '../components/Feedback.js';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return html`
    <div class="page">
      <${EmptyState} title="This page does not exist" testId="not-found">
        <${Link} href="/">Go to your reports<//>
      <//>
    </div>
  `;
}
