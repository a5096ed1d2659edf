import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { Workspaces } from '../lib/api.js';
import { formatDate } from '../lib/dates.js';
import { useDocumentTitle, useResource } from '../lib/hooks.js';
import { formatMoney } from '../lib/money.js';
import { canInWorkspace } from '../lib/permissions.js';
import { Link, navigate, useRoute } from '../lib/router.js';
import { useStore } from '../state/store.js';
import { selectWorkspace, workspaceStore } from '../state/workspaces.js';
import { Avatar } from '../components/Avatar.js';
import { EmptyState, ErrorBanner, Spinner } from '../components/Feedback.js';
import { StatusBadge } from '../components/StatusBadge.js';

const FILTERS = [
  ['', 'All'],
  ['open', 'Open'],
  ['submitted', 'Submitted'],
  ['approved', 'Approved'],
  ['rejected', 'Rejected'],
];

function NewReportForm({ workspaceId, onCancel }) {
  const [title, setTitle] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const report = await Workspaces.createReport(workspaceId, title);
      navigate(`/reports/${report.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return html`
    <form class="card inline-form new-report" onSubmit=${submit} data-testid="new-report-form">
      <div class="field field-grow">
        <input
          placeholder="Report title, e.g. May travel"
          value=${title}
          onInput=${(event) => setTitle(event.currentTarget.value)}
          data-testid="new-report-title"
        />
        ${error && html`<p class="field-error" data-testid="new-report-error">${error.message}</p>`}
      </div>
      <button type="button" class="button" onClick=${onCancel}>Cancel</button>
      <button
        type="submit"
        class="button button-primary"
        disabled=${busy}
        data-testid="new-report-submit"
      >
        Create report
      </button>
    </form>
  `;
}

function ReportRow({ report }) {
  return html`
    <tr data-testid=${`report-row-${report.id}`}>
      <td>
        <${Link} href=${`/reports/${report.id}`} class="row-link" data-testid=${`report-link-${report.id}`}>
          ${report.title}
        <//>
        <div class="cell-sub">Created ${formatDate(report.created_at.slice(0, 10))}</div>
      </td>
      <td>
        <span class="owner">
          <${Avatar} user=${report.owner} size="xs" />
          ${report.owner.name}
        </span>
      </td>
      <td><${StatusBadge} status=${report.status} testId=${`report-status-${report.id}`} /></td>
      <td class="cell-number">${report.expense_count}</td>
      <td class="cell-amount" data-testid=${`report-amount-${report.id}`}>
        ${formatMoney(report.total, report.currency)}
      </td>
    </tr>
  `;
}

export function ReportsPage({ params }) {
  const workspaceId = Number(params.workspaceId);
  const route = useRoute();
  const status = route.query.status ?? '';
  const workspace = useStore(workspaceStore, (state) =>
    state.current?.id === workspaceId ? state.current : null,
  );
  const [creating, setCreating] = useState(false);
  const { data, error, loading } = useResource(
    () => Workspaces.reports(workspaceId, status),
    [workspaceId, status],
  );
  useDocumentTitle(workspace ? `${workspace.name} reports` : 'Reports');

  useEffect(() => {
    selectWorkspace(workspaceId).catch(() => {});
    setCreating(false);
  }, [workspaceId]);

  const setFilter = (value) => {
    navigate(value ? `/w/${workspaceId}?status=${value}` : `/w/${workspaceId}`, { replace: true });
  };

  return html`
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Reports</h1>
          <p class="muted">
            ${workspace &&
            `Receipts are required for expenses over ${formatMoney(
              workspace.receipt_required_over,
              workspace.currency,
            )}.`}
          </p>
        </div>
        ${canInWorkspace(workspace, 'reports.create') &&
        !creating &&
        html`<button
          type="button"
          class="button button-primary"
          onClick=${() => setCreating(true)}
          data-testid="new-report-button"
        >
          New report
        </button>`}
      </header>

      ${creating &&
      html`<${NewReportForm} workspaceId=${workspaceId} onCancel=${() => setCreating(false)} />`}

      <div class="tabs" role="tablist">
        ${FILTERS.map(
          ([value, label]) => html`
            <button
              key=${value || 'all'}
              type="button"
              role="tab"
              aria-selected=${status === value ? 'true' : 'false'}
              class=${`tab${status === value ? ' active' : ''}`}
              onClick=${() => setFilter(value)}
              data-testid=${`status-filter-${value || 'all'}`}
            >
              ${label}
            </button>
          `,
        )}
      </div>

      <${ErrorBanner} error=${error} testId="reports-error" />
      ${loading && !data
        ? html`<${Spinner} />`
        : data &&
          (data.reports.length === 0
            ? html`<${EmptyState} title="No reports here" testId="reports-empty">
                Reports you can see in this workspace will show up here.
              <//>`
            : html`
                <div class="card card-flush">
                  <table class="table report-table" data-testid="report-list">
                    <thead>
                      <tr>
                        <th>Report</th>
                        <th>Owner</th>
                        <th>Status</th>
                        <th class="cell-number">Expenses</th>
                        <th class="cell-amount">Total</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${data.reports.map(
                        (report) => html`<${ReportRow} key=${report.id} report=${report} />`,
                      )}
                    </tbody>
                  </table>
                </div>
              `)}
    </div>
  `;
}
