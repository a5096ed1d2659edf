import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { canOnReport } from '../lib/permissions.js';
import { Modal } from './Modal.js';

function RejectDialog({ onConfirm, onClose, busy }) {
  const [reason, setReason] = useState('');
  return html`
    <${Modal} title="Reject report" onClose=${onClose} testId="reject-dialog">
      <form
        class="form"
        onSubmit=${(event) => {
          event.preventDefault();
          onConfirm(reason);
        }}
      >
        <label class="field">
          <span class="field-label">Reason (posted in the report chat)</span>
          <textarea
            rows="3"
            value=${reason}
            onInput=${(event) => setReason(event.currentTarget.value)}
            data-testid="reject-reason"
          ></textarea>
        </label>
        <footer class="form-actions">
          <button type="button" class="button" onClick=${onClose}>Cancel</button>
          <button
            type="submit"
            class="button button-danger"
            disabled=${busy}
            data-testid="reject-confirm"
          >
            Reject report
          </button>
        </footer>
      </form>
    <//>
  `;
}

/** Submit / approve / reject / reopen, as the report's permissions allow. */
export function ReportActions({ report, busy, onSubmit, onApprove, onReject, onReopen }) {
  const [rejecting, setRejecting] = useState(false);
  return html`
    <div class="report-actions">
      ${canOnReport(report, 'submit') &&
      html`<button
        type="button"
        class="button button-primary"
        disabled=${busy}
        onClick=${onSubmit}
        data-testid="submit-report"
      >
        Submit report
      </button>`}
      ${canOnReport(report, 'reject') &&
      html`<button
        type="button"
        class="button button-danger-outline"
        disabled=${busy}
        onClick=${() => setRejecting(true)}
        data-testid="reject-report"
      >
        Reject
      </button>`}
      ${canOnReport(report, 'approve') &&
      html`<button
        type="button"
        class="button button-primary"
        disabled=${busy}
        onClick=${onApprove}
        data-testid="approve-report"
      >
        Approve
      </button>`}
      ${canOnReport(report, 'reopen') &&
      html`<button
        type="button"
        class="button"
        disabled=${busy}
        onClick=${onReopen}
        data-testid="reopen-report"
      >
        Reopen
      </button>`}
      ${rejecting &&
      html`<${RejectDialog}
        busy=${busy}
        onClose=${() => setRejecting(false)}
        onConfirm=${async (reason) => {
          await onReject(reason);
          setRejecting(false);
        }}
      />`}
    </div>
  `;
}
