import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { Reports } from '../lib/api.js';
import { todayIso } from '../lib/dates.js';
import { CURRENCY_CODES, decimalsFor, toMajorInput, toMinorUnits } from '../lib/money.js';
import { FieldError } from './Feedback.js';
import { Modal } from './Modal.js';

function initialValues(expense, currency) {
  if (!expense) {
    return {
      merchant: '',
      amount: '',
      currency,
      category_id: '',
      date: todayIso(),
      description: '',
    };
  }
  return {
    merchant: expense.merchant,
    amount: toMajorInput(expense.amount, expense.currency),
    currency: expense.currency,
    category_id: expense.category ? String(expense.category.id) : '',
    date: expense.date,
    description: expense.description,
  };
}

/** Add an expense to a report, or edit one (`expense` given). Resolves with the report. */
export function ExpenseForm({ report, categories, expense, onSaved, onClose }) {
  const [values, setValues] = useState(() => initialValues(expense, report.currency));
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);

  // Disabled categories are not offered, except the one the expense already has.
  const options = categories.filter(
    (category) => category.enabled || category.id === expense?.category?.id,
  );

  const set = (field) => (event) => setValues({ ...values, [field]: event.currentTarget.value });

  const submit = async (event) => {
    event.preventDefault();
    const amount = toMinorUnits(values.amount, values.currency);
    if (!Number.isFinite(amount)) {
      const example = decimalsFor(values.currency) === 0 ? '1200' : '12.50';
      setError({ field: 'amount', message: `Enter an amount like ${example}` });
      return;
    }
    const payload = {
      merchant: values.merchant,
      amount,
      currency: values.currency,
      category_id: values.category_id === '' ? null : Number(values.category_id),
      date: values.date,
      description: values.description,
    };
    setSaving(true);
    setError(null);
    try {
      const saved = expense
        ? await Reports.updateExpense(expense.id, payload)
        : await Reports.addExpense(report.id, payload);
      onSaved(saved);
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };

  return html`
    <${Modal}
      title=${expense ? 'Edit expense' : 'Add expense'}
      onClose=${onClose}
      testId="expense-form"
      width=${520}
    >
      <form class="form" onSubmit=${submit} noValidate>
        <label class="field">
          <span class="field-label">Merchant</span>
          <input
            value=${values.merchant}
            onInput=${set('merchant')}
            placeholder="Where did you spend?"
            data-testid="expense-merchant"
          />
          <${FieldError} error=${error} field="merchant" testIdPrefix="expense-error" />
        </label>
        <div class="field-row">
          <label class="field field-grow">
            <span class="field-label">Amount</span>
            <input
              inputmode="decimal"
              value=${values.amount}
              onInput=${set('amount')}
              placeholder="0.00"
              data-testid="expense-amount"
            />
            <${FieldError} error=${error} field="amount" testIdPrefix="expense-error" />
          </label>
          <label class="field">
            <span class="field-label">Currency</span>
            <select value=${values.currency} onChange=${set('currency')} data-testid="expense-currency">
              ${CURRENCY_CODES.map((code) => html`<option key=${code} value=${code}>${code}</option>`)}
            </select>
            <${FieldError} error=${error} field="currency" testIdPrefix="expense-error" />
          </label>
        </div>
        <div class="field-row">
          <label class="field field-grow">
            <span class="field-label">Category</span>
            <select
              value=${values.category_id}
              onChange=${set('category_id')}
              data-testid="expense-category"
            >
              <option value="">Choose a category</option>
              ${options.map(
                (category) => html`<option key=${category.id} value=${String(category.id)}>
                  ${category.name}
                </option>`,
              )}
            </select>
            <${FieldError} error=${error} field="category_id" testIdPrefix="expense-error" />
          </label>
          <label class="field">
            <span class="field-label">Date</span>
            <input type="date" value=${values.date} onInput=${set('date')} data-testid="expense-date" />
            <${FieldError} error=${error} field="date" testIdPrefix="expense-error" />
          </label>
        </div>
        <label class="field">
          <span class="field-label">Description</span>
          <textarea
            rows="2"
            value=${values.description}
            onInput=${set('description')}
            placeholder="Optional"
            data-testid="expense-description"
          ></textarea>
          <${FieldError} error=${error} field="description" testIdPrefix="expense-error" />
        </label>
        ${error &&
        !error.field &&
        html`<p class="form-error" role="alert" data-testid="expense-form-error">${error.message}</p>`}
        <footer class="form-actions">
          <button type="button" class="button" onClick=${onClose} data-testid="expense-cancel">
            Cancel
          </button>
          <button
            type="submit"
            class="button button-primary"
            disabled=${saving}
            data-testid="expense-save"
          >
            ${expense ? 'Save changes' : 'Add expense'}
          </button>
        </footer>
      </form>
    <//>
  `;
}
