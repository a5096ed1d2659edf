import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api';
import { CycleHeading, validateCycleDates } from '../components/CycleSummary';
import { PageState } from '../components/PageState';
import { ProjectHeader } from '../components/ProjectHeader';
import { useCycles, useProject } from '../hooks/useReferenceData';
import { showToast, toastError } from '../lib/toasts';

function NewCycleForm({ projectKey, onCreated }: { projectKey: string; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = validateCycleDates(startsOn, endsOn);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const cycle = await api.createCycle(projectKey, { name: name.trim() || undefined, starts_on: startsOn, ends_on: endsOn });
      showToast(`Created ${cycle.name}`, 'success');
      setName('');
      setStartsOn('');
      setEndsOn('');
      onCreated();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="inline-form" onSubmit={submit} noValidate data-testid="new-cycle-form">
      <label className="field">
        <span className="field-label">Name (optional)</span>
        <input value={name} placeholder="Cycle name" onChange={(event) => setName(event.target.value)} data-testid="new-cycle-name" />
      </label>
      <label className="field">
        <span className="field-label">Starts</span>
        <input type="date" value={startsOn} onChange={(event) => setStartsOn(event.target.value)} data-testid="new-cycle-start" />
      </label>
      <label className="field">
        <span className="field-label">Ends</span>
        <input type="date" value={endsOn} onChange={(event) => setEndsOn(event.target.value)} data-testid="new-cycle-end" />
      </label>
      <button type="submit" className="button button-primary" disabled={busy} data-testid="new-cycle-submit">
        Add cycle
      </button>
      {error && (
        <span className="field-error" role="alert" data-testid="new-cycle-error">
          {error}
        </span>
      )}
    </form>
  );
}

export function CyclesPage() {
  const { key = '' } = useParams();
  const project = useProject(key);
  const cycles = useCycles(key);

  const complete = async (id: number, name: string) => {
    if (!window.confirm(`Complete ${name}? Unfinished issues move to the next cycle.`)) return;
    try {
      const result = await api.completeCycle(id);
      showToast(
        result.next_cycle
          ? `Completed ${result.cycle.name}; moved ${result.moved_count} issues to ${result.next_cycle.name}`
          : `Completed ${result.cycle.name}; ${result.moved_count} unfinished issues left the cycle`,
        'success',
      );
      cycles.reload();
    } catch (err) {
      toastError(err);
    }
  };

  if (!project.data) return <PageState error={project.error} loading={project.loading} />;
  const list = cycles.data ?? [];

  return (
    <section data-testid="cycles-page">
      <ProjectHeader project={project.data} />
      {project.data.can_manage && <NewCycleForm projectKey={key} onCreated={cycles.reload} />}
      {cycles.error && <p className="error-text">{cycles.error.message}</p>}
      {cycles.data && list.length === 0 && <p className="empty">No cycles yet.</p>}
      <div className="cycle-list" data-testid="cycle-list">
        {list.map((cycle) => (
          <article key={cycle.id} className="card cycle-card" data-testid={`cycle-row-${cycle.id}`}>
            <h3>
              <Link to={`/cycles/${cycle.id}`} data-testid={`cycle-link-${cycle.id}`}>
                {cycle.name}
              </Link>
            </h3>
            <CycleHeading cycle={cycle} />
            <span data-testid={`cycle-progress-${cycle.id}`}>{cycle.progress}%</span>
            <span className="small muted">
              {cycle.done_count}/{cycle.issue_count} issues · {cycle.scope_changes} scope changes
            </span>
            <span className="spacer" />
            {cycle.status === 'active' && project.data?.can_manage && (
              <button
                type="button"
                className="button button-small"
                onClick={() => complete(cycle.id, cycle.name)}
                data-testid={`cycle-complete-${cycle.id}`}
              >
                Complete
              </button>
            )}
          </article>
        ))}
      </div>
    </section>
  );
}
