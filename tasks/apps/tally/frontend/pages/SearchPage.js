import { html } from '../lib/html.js';
import { Search } from '../lib/api.js';
import { formatDate, formatTimestamp } from '../lib/dates.js';
import { useDocumentTitle, useResource } from '../lib/hooks.js';
import { plainText } from '../lib/markdown.js';
import { formatMoney } from '../lib/money.js';
import { Link, useRoute } from '../lib/router.js';
import { Avatar } from '../components/Avatar.js';
import { EmptyState, ErrorBanner, Spinner } from '../components/Feedback.js';
import { StatusBadge } from '../components/StatusBadge.js';

const MIN_QUERY = 2;

function Group({ type, title, count, children }) {
  return html`
    <section class="card card-flush search-group" data-testid=${`search-group-${type}`}>
      <header class="card-header">
        <h2 class="card-title">${title} <span class="count">${count}</span></h2>
      </header>
      <ul class="result-list">${children}</ul>
    </section>
  `;
}

function ExpenseResult({ expense }) {
  return html`
    <li data-testid=${`search-result-expense-${expense.id}`}>
      <${Link} href=${`/reports/${expense.report_id}`} class="result">
        <span class="result-title">${expense.merchant}</span>
        <span class="result-amount">${formatMoney(expense.amount, expense.currency)}</span>
        <span class="result-sub">
          ${formatDate(expense.date)} · ${expense.report_title}${expense.description &&
          ` · ${expense.description}`}
        </span>
      <//>
    </li>
  `;
}

function ReportResult({ report }) {
  return html`
    <li data-testid=${`search-result-report-${report.id}`}>
      <${Link} href=${`/reports/${report.id}`} class="result">
        <span class="result-title">${report.title}</span>
        <${StatusBadge} status=${report.status} />
        <span class="result-sub">${report.workspace_name}</span>
      <//>
    </li>
  `;
}

function MessageResult({ message }) {
  return html`
    <li data-testid=${`search-result-message-${message.id}`}>
      <${Link} href=${`/rooms/${message.room_id}`} class="result result-message">
        <${Avatar} user=${message.author} size="xs" />
        <span class="result-title">${message.author.name}</span>
        <span class="result-meta">in ${message.room_name} · ${formatTimestamp(message.created_at)}</span>
        <span class="result-sub">${plainText(message.body)}</span>
      <//>
    </li>
  `;
}

export function SearchPage() {
  const { query } = useRoute();
  const q = (query.q ?? '').trim();
  const { data, error, loading } = useResource(
    () => (q.length >= MIN_QUERY ? Search.query(q) : Promise.resolve(null)),
    [q],
  );
  useDocumentTitle(q ? `Search: ${q}` : 'Search');

  let body;
  if (q.length < MIN_QUERY) {
    body = html`<${EmptyState} title="Search Tally" testId="search-hint">
      Type at least ${MIN_QUERY} characters to search merchants, descriptions, report titles
      and messages.
    <//>`;
  } else if (error) {
    body = html`<${ErrorBanner} error=${error} testId="search-error" />`;
  } else if (loading || !data) {
    body = html`<${Spinner} label="Searching…" />`;
  } else if (!data.expenses.length && !data.reports.length && !data.messages.length) {
    body = html`<${EmptyState} title=${`No results for “${q}”`} testId="search-empty" />`;
  } else {
    body = html`
      ${data.reports.length > 0 &&
      html`<${Group} type="reports" title="Reports" count=${data.reports.length}>
        ${data.reports.map((report) => html`<${ReportResult} key=${report.id} report=${report} />`)}
      <//>`}
      ${data.expenses.length > 0 &&
      html`<${Group} type="expenses" title="Expenses" count=${data.expenses.length}>
        ${data.expenses.map(
          (expense) => html`<${ExpenseResult} key=${expense.id} expense=${expense} />`,
        )}
      <//>`}
      ${data.messages.length > 0 &&
      html`<${Group} type="messages" title="Messages" count=${data.messages.length}>
        ${data.messages.map(
          (message) => html`<${MessageResult} key=${message.id} message=${message} />`,
        )}
      <//>`}
    `;
  }

  return html`
    <div class="page page-narrow">
      <header class="page-header">
        <h1>${q ? html`Results for “${q}”` : 'Search'}</h1>
      </header>
      <div class="search-results" data-testid="search-results">${body}</div>
    </div>
  `;
}
