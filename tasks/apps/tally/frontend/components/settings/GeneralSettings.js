import { useEffect, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { Workspaces } from '../../lib/api.js';
import { formatMoney, toMajorInput, toMinorUnits } from '../../lib/money.js';
import { canInWorkspace } from '../../lib/permissions.js';
import { patchCurrentWorkspace } from '../../state/workspaces.js';
import { FieldError } from '../Feedback.js';

export function GeneralSettings({ workspace }) {
  const editable = canInWorkspace(workspace, 'workspace.update');
  const [name, setName] = useState(workspace.name);
  const [threshold, setThreshold] = useState(
    toMajorInput(workspace.receipt_required_over, workspace.currency),
  );
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    setName(workspace.name);
    setThreshold(toMajorInput(workspace.receipt_required_over, workspace.currency));
  }, [workspace.id, workspace.name, workspace.receipt_required_over]);

  const save = async (event) => {
    event.preventDefault();
    const receiptRequiredOver = toMinorUnits(threshold, workspace.currency);
    if (!Number.isFinite(receiptRequiredOver)) {
      setError({ field: 'receipt_required_over', message: 'Enter an amount like 75.00' });
      return;
    }
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await Workspaces.update(workspace.id, {
        name,
        receipt_required_over: receiptRequiredOver,
      });
      patchCurrentWorkspace(updated);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };

  if (!editable) {
    return html`
      <section class="card settings-card">
        <h2 class="card-title">General</h2>
        <dl class="details">
          <dt>Name</dt>
          <dd data-testid="workspace-name">${workspace.name}</dd>
          <dt>Currency</dt>
          <dd>${workspace.currency}</dd>
          <dt>Receipts required over</dt>
          <dd data-testid="receipt-threshold">
            ${formatMoney(workspace.receipt_required_over, workspace.currency)}
          </dd>
        </dl>
      </section>
    `;
  }

  return html`
    <section class="card settings-card">
      <h2 class="card-title">General</h2>
      <form class="form" onSubmit=${save}>
        <label class="field">
          <span class="field-label">Workspace name</span>
          <input
            value=${name}
            onInput=${(event) => setName(event.currentTarget.value)}
            data-testid="workspace-name-input"
          />
          <${FieldError} error=${error} field="name" testIdPrefix="settings-error" />
        </label>
        <div class="field-row">
          <label class="field field-grow">
            <span class="field-label">Receipts required over (${workspace.currency})</span>
            <input
              inputmode="decimal"
              value=${threshold}
              onInput=${(event) => setThreshold(event.currentTarget.value)}
              data-testid="threshold-input"
            />
            <${FieldError}
              error=${error}
              field="receipt_required_over"
              testIdPrefix="settings-error"
            />
          </label>
          <label class="field">
            <span class="field-label">Currency</span>
            <input value=${workspace.currency} disabled />
          </label>
        </div>
        ${error && !error.field && html`<p class="form-error" data-testid="settings-error">${error.message}</p>`}
        <footer class="form-actions">
          ${saved && html`<span class="form-success" data-testid="settings-saved">Saved</span>`}
          <button
            type="submit"
            class="button button-primary"
            disabled=${saving}
            data-testid="save-workspace"
          >
            Save
          </button>
        </footer>
      </form>
    </section>
  `;
}
