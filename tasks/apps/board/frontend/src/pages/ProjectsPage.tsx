import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { Project } from '../../../shared/api';
import { api, ApiError } from '../api';
import { PageState } from '../components/PageState';
import { useProjects } from '../hooks/useReferenceData';
import { isAdmin, useMe } from '../lib/session';
import { showToast, toastError } from '../lib/toasts';

const KEY_RE = /^[A-Z]{2,5}$/;

/** Suggests a key from a name: "Design System" -> "DS", "Billing" -> "BIL". */
export function suggestKey(name: string): string {
  const words = name
    .normalize('NFD')
    .replace(/[^A-Za-z\s]/g, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return '';
  if (words.length === 1) return words[0].slice(0, 3).toUpperCase();
  return words
    .slice(0, 5)
    .map((word) => word[0])
    .join('')
    .toUpperCase();
}

function NewProjectForm({ onCreated, onCancel }: { onCreated: (project: Project) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [keyEdited, setKeyEdited] = useState(false);
  const [description, setDescription] = useState('');
  const [error, setError] = useState<{ message: string; field: string | null } | null>(null);
  const [busy, setBusy] = useState(false);

  const effectiveKey = keyEdited ? key : suggestKey(name);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setError({ message: 'Give the project a name.', field: 'name' });
      return;
    }
    if (!KEY_RE.test(effectiveKey)) {
      setError({ message: 'The key is 2 to 5 capital letters, e.g. WEB.', field: 'key' });
      return;
    }
    setBusy(true);
    try {
      const project = await api.createProject({ key: effectiveKey, name: name.trim(), description: description.trim() });
      onCreated(project);
    } catch (err) {
      setError({
        message: err instanceof Error ? err.message : String(err),
        field: err instanceof ApiError ? err.field : null,
      });
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} noValidate style={{ marginBottom: 16, maxWidth: 480 }} data-testid="new-project-form">
      <h2>New project</h2>
      <label className="field">
        <span className="field-label">Name</span>
        <input value={name} onChange={(event) => setName(event.target.value)} data-testid="new-project-name" />
      </label>
      <label className="field">
        <span className="field-label">Key</span>
        <input
          value={effectiveKey}
          maxLength={5}
          onChange={(event) => {
            setKeyEdited(true);
            setKey(event.target.value.toUpperCase());
          }}
          data-testid="new-project-key"
        />
      </label>
      <label className="field">
        <span className="field-label">Description</span>
        <textarea
          value={description}
          rows={3}
          onChange={(event) => setDescription(event.target.value)}
          data-testid="new-project-description"
        />
      </label>
      {error && (
        <p className="form-error" role="alert" data-testid="new-project-error">
          {error.message}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel} data-testid="new-project-cancel">
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy} data-testid="new-project-submit">
          Create project
        </button>
      </div>
    </form>
  );
}

function ProjectCard({ project, canManage, onToggleArchived }: { project: Project; canManage: boolean; onToggleArchived: () => void }) {
  const closed = project.issue_count - project.open_issue_count;
  return (
    <article className={project.archived ? 'card project-card archived' : 'card project-card'} data-testid={`project-card-${project.key}`}>
      <div className="row">
        <h2>
          <Link to={`/projects/${project.key}`} data-testid={`project-link-${project.key}`}>
            {project.name}
          </Link>
        </h2>
        <span className="key">{project.key}</span>
        {project.archived && <span className="role-chip">Archived</span>}
      </div>
      <p>{project.description || 'No description.'}</p>
      <div className="row small muted">
        <span data-testid={`project-open-${project.key}`}>{project.open_issue_count} open</span>
        <span>·</span>
        <span>{closed} closed</span>
        <span>·</span>
        <span>{project.member_count === 1 ? '1 member' : `${project.member_count} members`}</span>
      </div>
      <div className="row small" style={{ marginTop: 8 }}>
        <span className="muted">Lead: {project.lead?.name ?? 'nobody'}</span>
        <span className="spacer" />
        <Link to={`/projects/${project.key}/board`} data-testid={`project-board-link-${project.key}`}>
          Board
        </Link>
        {project.active_cycle_id !== null && (
          <Link to={`/cycles/${project.active_cycle_id}`} data-testid={`project-active-cycle-${project.key}`}>
            Active cycle
          </Link>
        )}
        {canManage && (
          <button type="button" className="link-button" onClick={onToggleArchived} data-testid={`project-archive-${project.key}`}>
            {project.archived ? 'Unarchive' : 'Archive'}
          </button>
        )}
      </div>
    </article>
  );
}

export function ProjectsPage() {
  const me = useMe();
  const navigate = useNavigate();
  const projects = useProjects();
  const [creating, setCreating] = useState(false);
  const [showArchived, setShowArchived] = useState(false);

  const toggleArchived = async (project: Project) => {
    try {
      const updated = await api.updateProject(project.key, { archived: !project.archived });
      projects.setData((list) => list.map((p) => (p.key === updated.key ? updated : p)));
      showToast(updated.archived ? `Archived ${updated.name}` : `Restored ${updated.name}`, 'success');
    } catch (err) {
      toastError(err);
    }
  };

  if (!projects.data) return <PageState error={projects.error} loading={projects.loading} />;
  const archivedCount = projects.data.filter((project) => project.archived).length;
  const shown = projects.data.filter((project) => showArchived || !project.archived);

  return (
    <section data-testid="projects-page">
      <div className="page-header">
        <h1>Projects</h1>
        <span className="spacer" />
        {archivedCount > 0 && (
          <label className="field field-inline" style={{ margin: 0 }}>
            <input
              type="checkbox"
              checked={showArchived}
              onChange={(event) => setShowArchived(event.target.checked)}
              data-testid="show-archived"
            />
            <span>Show archived ({archivedCount})</span>
          </label>
        )}
        {isAdmin(me) && !creating && (
          <button type="button" className="button button-primary" onClick={() => setCreating(true)} data-testid="new-project">
            New project
          </button>
        )}
      </div>
      {creating && (
        <NewProjectForm
          onCancel={() => setCreating(false)}
          onCreated={(project) => {
            showToast(`Created project ${project.name}`, 'success');
            navigate(`/projects/${project.key}`);
          }}
        />
      )}
      {shown.length === 0 ? (
        <p className="empty">You are not in any project yet.</p>
      ) : (
        <div className="project-grid" data-testid="project-list">
          {shown.map((project) => (
            <ProjectCard
              key={project.key}
              project={project}
              canManage={project.can_manage}
              onToggleArchived={() => toggleArchived(project)}
            />
          ))}
        </div>
      )}
    </section>
  );
}
