import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { Cycle, CycleDetail } from '../../../shared/api';
import { api } from '../api';
import { CycleHeading, CycleStats, validateCycleDates } from '../components/CycleSummary';
import { IssueRow } from '../components/IssueRow';
import { PageState } from '../components/PageState';
import { useQuery } from '../hooks/useQuery';
import { groupIssues, sortIssues } from '../lib/issues';
import { showToast, toastError } from '../lib/toasts';

function EditCycleForm({ cycle, onSaved, onCancel }: { cycle: Cycle; onSaved: (cycle: Cycle) => void; onCancel: () => void }) {
  const [name, setName] = useState(cycle.name);
  const [startsOn, setStartsOn] = useState(cycle.starts_on);
  const [endsOn, setEndsOn] = useState(cycle.ends_on);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = !name.trim() ? 'Give the cycle a name.' : validateCycleDates(startsOn, endsOn);
    if (problem) {
      setError(problem);
      return;
    }
    try {
      onSaved(await api.updateCycle(cycle.id, { name: name.trim(), starts_on: startsOn, ends_on: endsOn }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <form className="inline-form" onSubmit={submit} noValidate data-testid="edit-cycle-form">
      <label className="field">
        <span className="field-label">Name</span>
        <input value={name} onChange={(event) => setName(event.target.value)} data-testid="edit-cycle-name" />
      </label>
      <label className="field">
        <span className="field-label">Starts</span>
        <input type="date" value={startsOn} onChange={(event) => setStartsOn(event.target.value)} data-testid="edit-cycle-start" />
      </label>
      <label className="field">
        <span className="field-label">Ends</span>
        <input type="date" value={endsOn} onChange={(event) => setEndsOn(event.target.value)} data-testid="edit-cycle-end" />
      </label>
      <button type="submit" className="button button-primary" data-testid="edit-cycle-save">
        Save
      </button>
      <button type="button" className="button" onClick={onCancel} data-testid="edit-cycle-cancel">
        Cancel
      </button>
      {error && (
        <span className="field-error" role="alert" data-testid="edit-cycle-error">
          {error}
        </span>
      )}
    </form>
  );
}

export function CyclePage() {
  const { id = '' } = useParams();
  const cycleId = /^\d+$/.test(id) ? Number(id) : null;
  const cycle = useQuery(cycleId === null ? null : `cycle:${cycleId}`, () => api.cycle(cycleId ?? 0));
  const projectKey = cycle.data?.project_key ?? null;
  const project = useQuery(projectKey ? `project:${projectKey}` : null, () => api.project(projectKey ?? ''));
  const [editing, setEditing] = useState(false);

  if (cycleId === null) return <PageState error={null} loading={false} />;
  if (!cycle.data) return <PageState error={cycle.error} loading={cycle.loading} />;
  const current: CycleDetail = cycle.data;
  const canManage = project.data?.can_manage === true;

  const complete = async () => {
    if (!window.confirm(`Complete ${current.name}? Unfinished issues move to the next cycle.`)) return;
    try {
      const result = await api.completeCycle(current.id);
      showToast(
        result.next_cycle
          ? `Completed ${result.cycle.name}; moved ${result.moved_count} issues to ${result.next_cycle.name}`
          : `Completed ${result.cycle.name}`,
        'success',
      );
      cycle.reload();
    } catch (err) {
      toastError(err);
    }
  };

  return (
    <section data-testid="cycle-page">
      <div className="issue-breadcrumb">
        <Link to={`/projects/${current.project_key}/cycles`} data-testid="cycle-project-link">
          {current.project_key} cycles
        </Link>
      </div>
      <div className="page-header">
        <h1 data-testid="cycle-name">{current.name}</h1>
        <CycleHeading cycle={current} />
        <span className="spacer" />
        {canManage && current.status !== 'completed' && !editing && (
          <button type="button" className="button" onClick={() => setEditing(true)} data-testid="cycle-edit">
            Edit
          </button>
        )}
        {canManage && current.status === 'active' && (
          <button type="button" className="button button-primary" onClick={complete} data-testid="cycle-complete">
            Complete cycle
          </button>
        )}
      </div>
      {editing && (
        <EditCycleForm
          cycle={current}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => {
            cycle.setData((detail) => ({ ...detail, ...saved }));
            setEditing(false);
            showToast('Cycle saved', 'success');
          }}
        />
      )}
      <CycleStats cycle={current} />
      {current.issues.length === 0 ? (
        <p className="empty">No issues in this cycle.</p>
      ) : (
        groupIssues(sortIssues(current.issues, 'priority'), 'status').map((bucket) => (
          <section key={bucket.id} className="issue-group" data-testid={`cycle-group-${bucket.id}`}>
            <div className="issue-group-header">
              <span>{bucket.title}</span>
              <span className="count-chip">{bucket.issues.length}</span>
            </div>
            <ul className="issue-list">
              {bucket.issues.map((issue) => (
                <IssueRow key={issue.key} issue={issue} />
              ))}
            </ul>
          </section>
        ))
      )}
    </section>
  );
}
