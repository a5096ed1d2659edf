import { html } from '../lib/html.js';
import { formatDate } from '../lib/dates.js';
import { formatMoney } from '../lib/money.js';
import { EmptyState } from './Feedback.js';
import { Icon } from './Icon.js';

function receiptName(expense) {
  const slug = expense.merchant
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug || 'expense'}-receipt.jpg`;
}

function ReceiptCell({ expense, editable, onAttach, onRemove }) {
  if (expense.receipt) {
    return html`
      <span class="receipt-chip" data-testid=${`receipt-${expense.id}`} title=${expense.receipt}>
        <${Icon} name="paperclip" size=${13} />
        <span class="receipt-name">${expense.receipt}</span>
        ${editable &&
        html`<button
          type="button"
          class="icon-button"
          aria-label="Remove receipt"
          onClick=${() => onRemove(expense)}
          data-testid=${`remove-receipt-${expense.id}`}
        >
          <${Icon} name="close" size=${12} />
        </button>`}
      </span>
    `;
  }
  if (!editable) return html`<span class="muted">No receipt</span>`;
  return html`
    <button
      type="button"
      class="button button-small"
      onClick=${() => onAttach(expense, receiptName(expense))}
      data-testid=${`attach-receipt-${expense.id}`}
    >
      Attach receipt
    </button>
  `;
}

function ExpenseRow({ expense, report, editable, onEdit, onDelete, onAttach, onRemoveReceipt }) {
  const converted = expense.currency !== report.currency;
  return html`
    <tr data-testid=${`expense-row-${expense.id}`}>
      <td>
        <div class="merchant">
          <span data-testid=${`expense-merchant-${expense.id}`}>${expense.merchant}</span>
          ${expense.violations.includes('receipt_required') &&
          html`<span class="badge badge-violation" data-testid=${`violation-${expense.id}`}>
            Receipt required
          </span>`}
        </div>
        <div class="cell-sub">
          <span data-testid=${`expense-date-${expense.id}`}>${formatDate(expense.date)}</span>
          ${expense.description && ` · ${expense.description}`}
        </div>
      </td>
      <td data-testid=${`expense-category-${expense.id}`}>${expense.category?.name ?? '—'}</td>
      <td>
        <${ReceiptCell}
          expense=${expense}
          editable=${editable}
          onAttach=${onAttach}
          onRemove=${onRemoveReceipt}
        />
      </td>
      <td class="cell-amount">
        <span data-testid=${`expense-amount-${expense.id}`}>
          ${formatMoney(expense.amount, expense.currency)}
        </span>
        ${converted &&
        html`<div class="cell-sub" data-testid=${`expense-converted-${expense.id}`}>
          ≈ ${formatMoney(expense.converted_amount, report.currency)}
        </div>`}
      </td>
      ${editable &&
      html`<td class="cell-actions">
        <button
          type="button"
          class="link-button"
          onClick=${() => onEdit(expense)}
          data-testid=${`edit-expense-${expense.id}`}
        >
          Edit
        </button>
        <button
          type="button"
          class="link-button danger"
          onClick=${() => onDelete(expense)}
          data-testid=${`delete-expense-${expense.id}`}
        >
          Delete
        </button>
      </td>`}
    </tr>
  `;
}

export function ExpenseTable({ report, editable, ...handlers }) {
  if (report.expenses.length === 0) {
    return html`<${EmptyState} title="No expenses yet" testId="expenses-empty">
      ${editable ? 'Add the first expense to this report.' : 'This report has no expenses.'}
    <//>`;
  }
  return html`
    <table class="table expense-table" data-testid="expense-table">
      <thead>
        <tr>
          <th>Expense</th>
          <th>Category</th>
          <th>Receipt</th>
          <th class="cell-amount">Amount</th>
          ${editable && html`<th><span class="visually-hidden">Actions</span></th>`}
        </tr>
      </thead>
      <tbody>
        ${report.expenses.map(
          (expense) => html`<${ExpenseRow}
            key=${expense.id}
            expense=${expense}
            report=${report}
            editable=${editable}
            ...${handlers}
          />`,
        )}
      </tbody>
      <tfoot>
        <tr>
          <td colspan="3">Total</td>
          <td class="cell-amount">${formatMoney(report.total, report.currency)}</td>
          ${editable && html`<td></td>`}
        </tr>
      </tfoot>
    </table>
  `;
}
