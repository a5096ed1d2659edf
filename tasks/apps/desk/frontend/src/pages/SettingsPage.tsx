import { useEffect, useState } from 'preact/hooks';
import { Api, ApiError } from '../lib/api';
import { useCurrentUser } from '../lib/session';
import { PRIORITIES, PRIORITY_LABELS } from '../lib/tickets';
import { companyStore } from '../state/company';
import type { Agent, Priority, Settings } from '../types';

interface Form {
  company_name: string;
  sla_hours: Record<Priority, string>;
  default_assignee_id: string;
}

function toForm(settings: Settings): Form {
  const hours = {} as Record<Priority, string>;
  for (const priority of PRIORITIES) hours[priority] = String(settings.sla_hours[priority]);
  return {
    company_name: settings.company_name,
    sla_hours: hours,
    default_assignee_id: settings.default_assignee_id === null ? '' : String(settings.default_assignee_id),
  };
}

export function SettingsPage() {
  const admin = useCurrentUser().role === 'admin';
  const [form, setForm] = useState<Form | null>(null);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    Api.settings().then((settings) => setForm(toForm(settings)), (err: Error) => setError({ field: null, message: err.message }));
    Api.agents().then(({ agents }) => setAgents(agents), () => undefined);
  }, []);

  if (!form) {
    return error ? (
      <p class="page form-error" data-testid="settings-error">
        {error.message}
      </p>
    ) : (
      <p class="page muted">Loading…</p>
    );
  }

  const change = (patch: Partial<Form>) => {
    setForm({ ...form, ...patch });
    setSaved(false);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const hours = {} as Record<Priority, number>;
    for (const priority of PRIORITIES) hours[priority] = Number(form.sla_hours[priority]);
    try {
      const settings = await Api.updateSettings({
        company_name: form.company_name,
        sla_hours: hours,
        default_assignee_id: form.default_assignee_id ? Number(form.default_assignee_id) : null,
      });
      setForm(toForm(settings));
      companyStore.set({ name: settings.company_name });
      setSaved(true);
    } catch (err) {
      setError({ field: err instanceof ApiError ? err.field : null, message: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (field: string) =>
    error?.field === field && (
      <span class="field-error" role="alert" data-testid={`settings-error-${field}`}>
        {error.message}
      </span>
    );

  return (
    <section class="page narrow" data-testid="settings-page">
      <h1>Settings</h1>
      {!admin && <p class="notice" data-testid="settings-readonly">Only admins can change these settings.</p>}
      <form class="card form" onSubmit={submit} data-testid="settings-form">
        <label class="field">
          <span class="field-label">Company name</span>
          <input
            value={form.company_name}
            disabled={!admin}
            onInput={(event) => change({ company_name: event.currentTarget.value })}
            data-testid="settings-company-name"
          />
          {fieldError('company_name')}
        </label>
        <fieldset class="field">
          <legend class="field-label">First reply targets (hours)</legend>
          <div class="field-row">
            {[...PRIORITIES].reverse().map((priority) => (
              <label class="field" key={priority}>
                <span>{PRIORITY_LABELS[priority]}</span>
                <input
                  type="number"
                  min={1}
                  max={720}
                  value={form.sla_hours[priority]}
                  disabled={!admin}
                  onInput={(event) => change({ sla_hours: { ...form.sla_hours, [priority]: event.currentTarget.value } })}
                  data-testid={`settings-sla-${priority}`}
                />
                {fieldError(`sla_hours.${priority}`)}
              </label>
            ))}
          </div>
          {fieldError('sla_hours')}
        </fieldset>
        <label class="field">
          <span class="field-label">Assign new tickets to</span>
          <select
            value={form.default_assignee_id}
            disabled={!admin}
            onChange={(event) => change({ default_assignee_id: event.currentTarget.value })}
            data-testid="settings-default-assignee"
          >
            <option value="">Nobody (leave unassigned)</option>
            {agents.map((agent) => (
              <option key={agent.id} value={String(agent.id)}>
                {agent.name}
              </option>
            ))}
          </select>
          {fieldError('default_assignee_id')}
        </label>
        {error && error.field === null && (
          <p class="form-error" role="alert" data-testid="settings-error">
            {error.message}
          </p>
        )}
        {admin && (
          <div class="form-actions">
            <button type="submit" class="button button-primary" disabled={busy} data-testid="settings-save">
              {busy ? 'Saving…' : 'Save settings'}
            </button>
            {saved && (
              <span class="saved" data-testid="settings-saved">
                Saved
              </span>
            )}
          </div>
        )}
      </form>
    </section>
  );
}
