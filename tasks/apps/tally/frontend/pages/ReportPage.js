import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { Chat, Reports } from '../lib/api.js';
import { formatDate } from '../lib/dates.js';
import { useDocumentTitle, useResource } from '../lib/hooks.js';
import { formatMoney } from '../lib/money.js';
import { canOnReport } from '../lib/permissions.js';
import { Link } from '../lib/router.js';
import { useStore } from '../state/store.js';
import { selectWorkspace, workspaceStore } from '../state/workspaces.js';
import { showToast } from '../state/toasts.js';
import { Avatar } from '../components/Avatar.js';
import { ChatPanel } from '../components/ChatPanel.js';
import { ExpenseForm } from '../components/ExpenseForm.js';
import { ExpenseTable } from '../components/ExpenseTable.js';
import { ErrorBanner, Spinner } from '../components/Feedback.js';
import { ReportActions } from '../components/ReportActions.js';
import { StatusBadge } from '../components/StatusBadge.js';

function TitleEditor({ report, onSaved }) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(report.title);
  const [error, setError] = useState(null);

  if (!editing) {
    return html`
      <h1 class="report-title">
        <span data-testid="report-title">${report.title}</span>
        ${canOnReport(report, 'edit') &&
        html`<button
          type="button"
          class="link-button"
          onClick=${() => {
            setTitle(report.title);
            setEditing(true);
          }}
          data-testid="rename-report"
        >
          Rename
        </button>`}
      </h1>
    `;
  }

  const save = async (event) => {
    event.preventDefault();
    try {
      onSaved(await Reports.rename(report.id, title));
      setEditing(false);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };

  return html`
    <form class="inline-form title-form" onSubmit=${save}>
      <div class="field field-grow">
        <input
          value=${title}
          onInput=${(event) => setTitle(event.currentTarget.value)}
          data-testid="report-title-input"
        />
        ${error && html`<p class="field-error">${error.message}</p>`}
      </div>
      <button type="submit" class="button button-primary button-small" data-testid="report-title-save">
        Save
      </button>
      <button type="button" class="button button-small" onClick=${() => setEditing(false)}>
        Cancel
      </button>
    </form>
  `;
}

function ReportSummary({ report }) {
  return html`
    <div class="report-summary">
      <div class="summary-item">
        <span class="summary-label">Total</span>
        <span class="summary-total" data-testid="report-total">
          ${formatMoney(report.total, report.currency)}
        </span>
      </div>
      <div class="summary-item">
        <span class="summary-label">Expenses</span>
        <span class="summary-value" data-testid="report-expense-count">${report.expense_count}</span>
      </div>
      <div class="summary-item">
        <span class="summary-label">Needs attention</span>
        <span
          class=${`summary-value${report.violation_count ? ' text-warning' : ''}`}
          data-testid="report-violation-count"
        >
          ${report.violation_count}
        </span>
      </div>
    </div>
  `;
}

export function ReportPage({ params }) {
  const reportId = Number(params.reportId);
  const { data: report, error, loading, setData } = useResource(
    () => Reports.get(reportId),
    [reportId],
  );
  const categories = useStore(workspaceStore, (state) =>
    state.current && state.current.id === report?.workspace_id ? state.current.categories : null,
  );
  const [room, setRoom] = useState(null);
  const [form, setForm] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [busy, setBusy] = useState(false);
  useDocumentTitle(report?.title ?? 'Report');

  useEffect(() => {
    setActionError(null);
    setForm(null);
  }, [reportId]);

  useEffect(() => {
    if (!report) return;
    selectWorkspace(report.workspace_id).catch(() => {});
  }, [report?.workspace_id]);

  const roomId = report?.room_id;
  useEffect(() => {
    setRoom(null);
    if (!roomId) return;
    Chat.room(roomId).then(setRoom, () => setRoom(null));
  }, [roomId]);

  const perform = async (action, successText) => {
    setBusy(true);
    setActionError(null);
    try {
      setData(await action());
      if (successText) showToast(successText, { kind: 'success' });
    } catch (err) {
      setActionError(err);
    } finally {
      setBusy(false);
    }
  };

  if (loading && !report) return html`<div class="page"><${Spinner} /></div>`;
  if (error) {
    return html`<div class="page"><${ErrorBanner} error=${error} testId="report-error" /></div>`;
  }
  if (!report) return null;

  const editable = canOnReport(report, 'edit');

  return html`
    <div class="report-layout">
      <div class="page report-main">
        <${Link} href=${`/w/${report.workspace_id}`} class="back-link" data-testid="back-to-reports">
          ← ${report.workspace.name} reports
        <//>
        <header class="page-header report-header">
          <div class="report-heading">
            <${TitleEditor} report=${report} onSaved=${setData} />
            <div class="report-meta">
              <${StatusBadge} status=${report.status} testId="report-status" />
              <span class="owner" data-testid="report-owner">
                <${Avatar} user=${report.owner} size="xs" /> ${report.owner.name}
              </span>
              ${report.submitted_at &&
              html`<span class="muted">Submitted ${formatDate(report.submitted_at.slice(0, 10))}</span>`}
              ${report.decided_by &&
              html`<span class="muted">
                ${report.status === 'approved' ? 'Approved' : 'Rejected'} by ${report.decided_by.name}
              </span>`}
            </div>
          </div>
          <${ReportActions}
            report=${report}
            busy=${busy}
            onSubmit=${() => perform(() => Reports.submit(report.id), 'Report submitted')}
            onApprove=${() => perform(() => Reports.approve(report.id), 'Report approved')}
            onReject=${(reason) => perform(() => Reports.reject(report.id, reason), 'Report rejected')}
            onReopen=${() => perform(() => Reports.reopen(report.id))}
          />
        </header>

        <${ErrorBanner}
          error=${actionError}
          testId="report-error"
          onDismiss=${() => setActionError(null)}
        />
        <${ReportSummary} report=${report} />

        <section class="card card-flush">
          <header class="card-header">
            <h2 class="card-title">Expenses</h2>
            ${editable &&
            html`<button
              type="button"
              class="button button-primary"
              disabled=${!categories}
              onClick=${() => setForm({ expense: null })}
              data-testid="add-expense"
            >
              Add expense
            </button>`}
          </header>
          <${ExpenseTable}
            report=${report}
            editable=${editable}
            onEdit=${(expense) => setForm({ expense })}
            onDelete=${(expense) => perform(() => Reports.deleteExpense(expense.id))}
            onAttach=${(expense, filename) =>
              perform(() => Reports.attachReceipt(expense.id, filename))}
            onRemoveReceipt=${(expense) => perform(() => Reports.removeReceipt(expense.id))}
          />
        </section>
      </div>

      <aside class="report-chat">
        <header class="report-chat-header">
          <h2>Report chat</h2>
          <span class="muted">Discuss this report with reviewers</span>
        </header>
        ${room ? html`<${ChatPanel} room=${room} placeholder="Comment on this report" />` : html`<${Spinner} />`}
      </aside>

      ${form &&
      html`<${ExpenseForm}
        report=${report}
        categories=${categories ?? []}
        expense=${form.expense}
        onClose=${() => setForm(null)}
        onSaved=${(saved) => {
          setData(saved);
          setForm(null);
        }}
      />`}
    </div>
  `;
}
