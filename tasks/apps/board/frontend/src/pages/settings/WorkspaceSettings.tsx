import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../../api';
import { PageState } from '../../components/PageState';
import { useQuery } from '../../hooks/useQuery';
import { showToast } from '../../lib/toasts';
import { loadWorkspace, workspaceStore } from '../../lib/workspace';

export function WorkspaceSettings({ canEdit }: { canEdit: boolean }) {
  const workspace = useQuery('workspace', loadWorkspace);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (workspace.data) setName(workspace.data.name);
  }, [workspace.data]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setError('The workspace needs a name.');
      return;
    }
    setError(null);
    try {
      const updated = await api.updateWorkspace({ name: trimmed });
      workspace.setData(() => updated);
      workspaceStore.set(updated);
      showToast('Workspace renamed', 'success');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  if (!workspace.data) return <PageState error={workspace.error} loading={workspace.loading} />;

  return (
    <form className="card" onSubmit={submit} noValidate data-testid="workspace-form">
      <h2>Workspace</h2>
      <p className="muted small" data-testid="workspace-counts">
        {workspace.data.member_count} members, {workspace.data.admin_count} {workspace.data.admin_count === 1 ? 'admin' : 'admins'}
      </p>
      <label className="field">
        <span className="field-label">Name</span>
        <input
          value={name}
          disabled={!canEdit}
          maxLength={80}
          onChange={(event) => setName(event.target.value)}
          data-testid="workspace-name-input"
        />
      </label>
      {!canEdit && <p className="muted small">Only admins can rename the workspace.</p>}
      {error && (
        <p className="form-error" role="alert" data-testid="workspace-error">
          {error}
        </p>
      )}
      {canEdit && (
        <div className="form-actions">
          <button type="submit" className="button button-primary" data-testid="workspace-save">
            Save
          </button>
        </div>
      )}
    </form>
  );
}
