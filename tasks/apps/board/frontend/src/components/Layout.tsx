import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { api } from '../api';
import { useHotkey } from '../hooks/useHotkey';
import { useProjects } from '../hooks/useReferenceData';
import { useUnreadCount } from '../hooks/useUnreadCount';
import { closeCreateDialog, createDialogStore, openCreateDialog, projectKeyFromPath } from '../lib/createDialog';
import { isGuest, signOut, updateSessionUser, useMe } from '../lib/session';
import { useStore } from '../lib/store';
import { loadWorkspace, workspaceStore } from '../lib/workspace';
import { CreateIssueDialog } from './CreateIssueDialog';
import { Toasts } from './Toasts';

const navClass = ({ isActive }: { isActive: boolean }) => (isActive ? 'nav-link active' : 'nav-link');

function Sidebar() {
  const me = useMe();
  const unread = useUnreadCount();
  const projects = useProjects();
  const workspace = useStore(workspaceStore);
  const visible = (projects.data ?? []).filter((project) => !project.archived && (project.is_member || !isGuest(me)));

  return (
    <nav className="sidebar" aria-label="Main" data-testid="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          B
        </span>
        <span className="brand-name" data-testid="workspace-name">
          {workspace?.name ?? 'Board'}
        </span>
      </div>
      <NavLink to="/inbox" className={navClass} data-testid="nav-inbox">
        Inbox
        {unread > 0 && (
          <span className="nav-badge" aria-label={`${unread} unread`} data-testid="unread-badge">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </NavLink>
      <NavLink to="/my-issues" className={navClass} data-testid="nav-my-issues">
        My issues
      </NavLink>
      <NavLink to="/search" className={navClass} data-testid="nav-search">
        Search
      </NavLink>
      <NavLink to="/projects" end className={navClass} data-testid="nav-projects">
        Projects
      </NavLink>
      <div className="nav-section">Your projects</div>
      {visible.map((project) => (
        <NavLink
          key={project.key}
          to={`/projects/${project.key}`}
          className={navClass}
          data-testid={`nav-project-${project.key}`}
        >
          <span className="key">{project.key}</span>
          {project.name}
        </NavLink>
      ))}
      <div className="nav-user">
        <NavLink to="/settings/profile" className={navClass} data-testid="nav-settings">
          Settings
        </NavLink>
      </div>
    </nav>
  );
}

function Topbar() {
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const onSearchPage = location.pathname === '/search';
  const currentQuery = onSearchPage ? new URLSearchParams(location.search).get('q') ?? '' : '';
  const [q, setQ] = useState(currentQuery);

  useEffect(() => {
    // keep the box in step with the address (back/forward on the search page)
    if (onSearchPage) setQ(currentQuery);
  }, [onSearchPage, currentQuery]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = q.trim();
    if (trimmed) navigate(`/search?q=${encodeURIComponent(trimmed)}`);
  };

  const logout = () => {
    api.logout().catch(() => undefined);
    signOut();
  };

  return (
    <header className="topbar">
      <form className="search-form" role="search" onSubmit={submit}>
        <label htmlFor="global-search" className="visually-hidden">
          Search issues
        </label>
        <input
          id="global-search"
          type="search"
          placeholder="Search issues and comments"
          value={q}
          onChange={(event) => setQ(event.target.value)}
          data-testid="search-input"
        />
      </form>
      <span className="spacer" />
      {!isGuest(me) && (
        <button
          type="button"
          className="button button-primary"
          onClick={() => openCreateDialog({ projectKey: projectKeyFromPath(location.pathname) })}
          title="New issue (C)"
          data-testid="new-issue"
        >
          New issue
        </button>
      )}
      <span data-testid="current-user">{me.name}</span>
      <span className="role-chip" data-testid="current-role">
        {me.role}
      </span>
      <button type="button" className="button button-ghost" onClick={logout} data-testid="logout">
        Sign out
      </button>
    </header>
  );
}

/** The signed-in shell: navigation, top bar, the page, the create-issue dialog and toasts. */
export function Layout() {
  const me = useMe();
  const dialog = useStore(createDialogStore);
  const navigate = useNavigate();

  const { pathname } = useLocation();
  useHotkey('c', () => openCreateDialog({ projectKey: projectKeyFromPath(pathname) }), !isGuest(me));

  useEffect(() => {
    // the stored profile may be stale (role changed by an admin, name edited in another tab)
    api.me().then(updateSessionUser, () => undefined);
    loadWorkspace().catch(() => undefined);
  }, []);

  return (
    <div className="shell">
      <Sidebar />
      <div className="main">
        <Topbar />
        <main className="content">
          <Outlet />
        </main>
      </div>
      {dialog.open && (
        <CreateIssueDialog
          initialProjectKey={dialog.projectKey}
          initialStatus={dialog.status}
          onClose={closeCreateDialog}
          onCreated={(key) => {
            dialog.onCreated?.(key);
            closeCreateDialog();
            navigate(`/issues/${key}`);
          }}
        />
      )}
      <Toasts />
    </div>
  );
}
