import { useState } from 'react';
import type { FormEvent } from 'react';
import type { NotificationPrefs } from '../../../../shared/api';
import { api } from '../../api';
import { updateSessionUser, useMe } from '../../lib/session';
import { showToast } from '../../lib/toasts';

const PREF_LABELS: Record<keyof NotificationPrefs, string> = {
  assigned: 'An issue is assigned to me',
  mentioned: 'Someone mentions me',
  status_changed: 'An issue I created changes status',
  commented: 'Someone comments on an issue I follow',
};

/** The zones offered in the picker: the browser's list when it has one, plus the current value. */
function timeZones(current: string): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported ? supported('timeZone') : ['UTC', 'Europe/London', 'Europe/Paris', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo'];
  return zones.includes(current) ? zones : [current, ...zones];
}

export function ProfileSettings() {
  const me = useMe();
  const [name, setName] = useState(me.name);
  const [timeZone, setTimeZone] = useState(me.time_zone);
  const [prefs, setPrefs] = useState<NotificationPrefs>(me.notification_prefs);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setError('Your name cannot be empty.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const updated = await api.updateMe({ name: trimmed, time_zone: timeZone, notification_prefs: prefs });
      updateSessionUser(updated);
      showToast('Profile saved', 'success');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} noValidate data-testid="profile-form">
      <h2>Profile</h2>
      <p className="muted small">
        Signed in as {me.email} (@{me.handle}), {me.role}.
      </p>
      <label className="field">
        <span className="field-label">Name</span>
        <input value={name} maxLength={100} onChange={(event) => setName(event.target.value)} data-testid="profile-name" />
      </label>
      <label className="field">
        <span className="field-label">Time zone</span>
        <select value={timeZone} onChange={(event) => setTimeZone(event.target.value)} data-testid="profile-timezone">
          {timeZones(me.time_zone).map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="field">
        <legend className="field-label">Notify me when</legend>
        {(Object.keys(PREF_LABELS) as (keyof NotificationPrefs)[]).map((pref) => (
          <label key={pref} className="field-inline row">
            <input
              type="checkbox"
              checked={prefs[pref]}
              onChange={(event) => setPrefs((current) => ({ ...current, [pref]: event.target.checked }))}
              data-testid={`profile-pref-${pref}`}
            />
            {PREF_LABELS[pref]}
          </label>
        ))}
      </fieldset>
      {error && (
        <p className="form-error" role="alert" data-testid="profile-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy} data-testid="profile-save">
          Save profile
        </button>
      </div>
    </form>
  );
}
