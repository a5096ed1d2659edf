import { NavLink } from 'react-router-dom';
import type { Project } from '../../../shared/api';
import { api } from '../api';
import { openCreateDialog } from '../lib/createDialog';
import { toastError } from '../lib/toasts';

const tabClass = ({ isActive }: { isActive: boolean }) => (isActive ? 'tab active' : 'tab');

/** Downloads the project's issues as CSV (the request needs the bearer token, so no plain link). */
async function downloadCsv(key: string): Promise<void> {
  const blob = await api.exportCsv(key);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${key}-issues.csv`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

export function ProjectHeader({ project, onIssueCreated }: { project: Project; onIssueCreated?: () => void }) {
  return (
    <>
      <div className="page-header">
        <h1 data-testid="project-name">{project.name}</h1>
        <span className="key" data-testid="project-key">
          {project.key}
        </span>
        {project.archived && (
          <span className="role-chip" data-testid="project-archived">
            Archived
          </span>
        )}
        <span className="spacer" />
        <button
          type="button"
          className="button"
          onClick={() => downloadCsv(project.key).catch(toastError)}
          data-testid="export-csv"
        >
          Export CSV
        </button>
        {project.can_edit_issues && !project.archived && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => openCreateDialog({ projectKey: project.key, onCreated: onIssueCreated ? () => onIssueCreated() : null })}
            data-testid="project-new-issue"
          >
            New issue
          </button>
        )}
      </div>
      {project.description && <p className="muted">{project.description}</p>}
      <nav className="tabs" aria-label="Project views">
        <NavLink to={`/projects/${project.key}`} end className={tabClass} data-testid="tab-list">
          List
        </NavLink>
        <NavLink to={`/projects/${project.key}/board`} className={tabClass} data-testid="tab-board">
          Board
        </NavLink>
        <NavLink to={`/projects/${project.key}/cycles`} className={tabClass} data-testid="tab-cycles">
          Cycles
        </NavLink>
      </nav>
    </>
  );
}
