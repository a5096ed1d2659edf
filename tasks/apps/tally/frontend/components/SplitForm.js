import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { Chat } from '../lib/api.js';
import { CURRENCY_CODES, formatMoney, toMinorUnits } from '../lib/money.js';
import { currentUser } from '../state/session.js';
import { Avatar } from './Avatar.js';
import { FieldError } from './Feedback.js';
import { Modal } from './Modal.js';

/** Create a bill split in a room. Shares are worked out by the server. */
export function SplitForm({ roomId, members, defaultCurrency, onCreated, onClose }) {
  const me = currentUser();
  const [description, setDescription] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState(defaultCurrency);
  const [selected, setSelected] = useState(() => new Set(me ? [me.id] : []));
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);

  const toggle = (userId) => {
    setSelected((previous) => {
      const next = new Set(previous);
      if (next.has(userId)) next.delete(userId);
      else next.add(userId);
      return next;
    });
  };

  const minor = toMinorUnits(amount, currency);
  const participantIds = members.map((member) => member.id).filter((id) => selected.has(id));
  const each =
    Number.isFinite(minor) && minor > 0 && participantIds.length > 1
      ? Math.floor(minor / participantIds.length)
      : null;

  const submit = async (event) => {
    event.preventDefault();
    if (!Number.isFinite(minor)) {
      setError({ field: 'amount', message: 'Enter an amount like 12.50' });
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const { message } = await Chat.createSplit(roomId, {
        description,
        amount: minor,
        currency,
        participant_ids: participantIds,
      });
      onCreated(message);
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };

  return html`
    <${Modal} title="Split a bill" onClose=${onClose} testId="split-form">
      <form class="form" onSubmit=${submit}>
        <label class="field">
          <span class="field-label">What for</span>
          <input
            value=${description}
            onInput=${(event) => setDescription(event.currentTarget.value)}
            placeholder="Team lunch"
            data-testid="split-description"
          />
          <${FieldError} error=${error} field="description" testIdPrefix="split-error" />
        </label>
        <div class="field-row">
          <label class="field field-grow">
            <span class="field-label">Total</span>
            <input
              inputmode="decimal"
              value=${amount}
              onInput=${(event) => setAmount(event.currentTarget.value)}
              placeholder="0.00"
              data-testid="split-amount"
            />
            <${FieldError} error=${error} field="amount" testIdPrefix="split-error" />
          </label>
          <label class="field">
            <span class="field-label">Currency</span>
            <select
              value=${currency}
              onChange=${(event) => setCurrency(event.currentTarget.value)}
              data-testid="split-currency"
            >
              ${CURRENCY_CODES.map((code) => html`<option key=${code} value=${code}>${code}</option>`)}
            </select>
          </label>
        </div>
        <fieldset class="field">
          <legend class="field-label">Split between</legend>
          <div class="participant-list">
            ${members.map(
              (member) => html`
                <label key=${member.id} class="participant-option">
                  <input
                    type="checkbox"
                    checked=${selected.has(member.id)}
                    onChange=${() => toggle(member.id)}
                    data-testid=${`split-participant-${member.id}`}
                  />
                  <${Avatar} user=${member} size="xs" />
                  <span>${member.name}</span>
                </label>
              `,
            )}
          </div>
          <${FieldError} error=${error} field="participant_ids" testIdPrefix="split-error" />
        </fieldset>
        ${error && !error.field && html`<p class="form-error" data-testid="split-error">${error.message}</p>`}
        <footer class="form-actions">
          <span class="form-hint">
            ${each !== null
              ? `About ${formatMoney(each, currency)} each for ${participantIds.length} people`
              : 'Pick at least two people'}
          </span>
          <button type="button" class="button" onClick=${onClose}>Cancel</button>
          <button
            type="submit"
            class="button button-primary"
            disabled=${saving}
            data-testid="split-create"
          >
            Create split
          </button>
        </footer>
      </form>
    <//>
  `;
}
