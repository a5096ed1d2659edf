import { html } from '../lib/html.js';
import { Link, navigate, useRoute } from '../lib/router.js';
import { Session } from '../lib/api.js';
import { useStore } from '../state/store.js';
import { sessionStore, signOut } from '../state/session.js';
import { resetWorkspaces, workspaceStore } from '../state/workspaces.js';
import { Avatar } from './Avatar.js';
import { Icon } from './Icon.js';

function NavLink({ href, testId, active, children }) {
  return html`
    <${Link}
      href=${href}
      class=${`nav-link${active ? ' active' : ''}`}
      aria-current=${active ? 'page' : undefined}
      data-testid=${testId}
    >
      ${children}
    <//>
  `;
}

export function Sidebar() {
  const { path } = useRoute();
  const user = useStore(sessionStore, (state) => state.session?.user);
  const { list, currentId, current } = useStore(workspaceStore);
  const rooms = current?.id === currentId ? current.rooms : [];

  const logout = async () => {
    try {
      await Session.logout();
    } catch {
      // The session is dropped locally either way.
    }
    signOut();
    resetWorkspaces();
    navigate('/login', { replace: true });
  };

  return html`
    <aside class="sidebar" data-testid="sidebar">
      <div class="brand">
        <span class="brand-mark">T</span>
        <span class="brand-name">tally</span>
      </div>

      <nav class="sidebar-section" aria-label="Workspaces">
        <h2 class="sidebar-heading">Workspaces</h2>
        ${list.map(
          (workspace) => html`
            <${NavLink}
              key=${workspace.id}
              href=${`/w/${workspace.id}`}
              testId=${`workspace-link-${workspace.id}`}
              active=${workspace.id === currentId && path === `/w/${workspace.id}`}
            >
              <span class="workspace-dot">${workspace.name.slice(0, 1)}</span>
              <span class="nav-label">${workspace.name}</span>
              <span class="nav-meta">${workspace.currency}</span>
            <//>
          `,
        )}
      </nav>

      ${currentId !== null &&
      html`
        <nav class="sidebar-section" aria-label="Workspace">
          <h2 class="sidebar-heading">${current?.name ?? ''}</h2>
          <${NavLink}
            href=${`/w/${currentId}`}
            testId="nav-reports"
            active=${path === `/w/${currentId}` || path.startsWith('/reports/')}
          >
            <span class="nav-icon"><${Icon} name="reports" /></span><span class="nav-label">Reports</span>
          <//>
          <${NavLink}
            href=${`/w/${currentId}/settings`}
            testId="nav-settings"
            active=${path === `/w/${currentId}/settings`}
          >
            <span class="nav-icon"><${Icon} name="settings" /></span><span class="nav-label">Settings</span>
          <//>
        </nav>

        <nav class="sidebar-section" aria-label="Rooms">
          <h2 class="sidebar-heading">Rooms</h2>
          ${(rooms ?? []).map(
            (room) => html`
              <${NavLink}
                key=${room.id}
                href=${`/rooms/${room.id}`}
                testId=${`room-link-${room.id}`}
                active=${path === `/rooms/${room.id}`}
              >
                <span class="nav-icon">#</span><span class="nav-label">${room.name}</span>
              <//>
            `,
          )}
        </nav>
      `}

      ${user &&
      html`
        <div class="sidebar-footer">
          <${Avatar} user=${user} size="sm" />
          <div class="current-user" data-testid="current-user">
            <span class="current-user-name">${user.name}</span>
            <span class="current-user-email">${user.email}</span>
          </div>
          <button class="link-button" type="button" data-testid="logout-button" onClick=${logout}>
            Sign out
          </button>
        </div>
      `}
    </aside>
  `;
}
