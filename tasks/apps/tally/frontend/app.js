import { useEffect } from 'preact/hooks';
import { html } from './lib/html.js';
import { matchPath, navigate, useRoute } from './lib/router.js';
import { useStore } from './state/store.js';
import { sessionStore } from './state/session.js';
import { showToast } from './state/toasts.js';
import { loadWorkspaces, workspaceStore } from './state/workspaces.js';
import { Sidebar } from './components/Sidebar.js';
import { Spinner } from './components/Feedback.js';
import { Toasts } from './components/Toasts.js';
import { Topbar } from './components/Topbar.js';
import { LoginPage } from './pages/LoginPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { ReportPage } from './pages/ReportPage.js';
import { ReportsPage } from './pages/ReportsPage.js';
import { RoomPage } from './pages/RoomPage.js';
import { SearchPage } from './pages/SearchPage.js';
import { SettingsPage } from './pages/SettingsPage.js';
import { SplitPage } from './pages/SplitPage.js';

function HomeRedirect() {
  const { loaded, list, currentId } = useStore(workspaceStore);
  useEffect(() => {
    if (!loaded || list.length === 0) return;
    const target = list.some((workspace) => workspace.id === currentId) ? currentId : list[0].id;
    navigate(`/w/${target}`, { replace: true });
  }, [loaded, list, currentId]);
  if (loaded && list.length === 0) {
    return html`<div class="page"><p class="muted">You are not a member of any workspace yet.</p></div>`;
  }
  return html`<div class="page"><${Spinner} /></div>`;
}

const ROUTES = [
  ['/', HomeRedirect],
  ['/login', HomeRedirect],
  ['/w/:workspaceId', ReportsPage],
  ['/w/:workspaceId/settings', SettingsPage],
  ['/reports/:reportId', ReportPage],
  ['/rooms/:roomId', RoomPage],
  ['/splits/:splitId', SplitPage],
  ['/search', SearchPage],
];

function resolve(path) {
  for (const [pattern, Page] of ROUTES) {
    const params = matchPath(pattern, path);
    if (params) return { Page, params, key: pattern };
  }
  return { Page: NotFoundPage, params: {}, key: 'not-found' };
}

function Shell() {
  const { path } = useRoute();
  const { Page, params, key } = resolve(path);

  useEffect(() => {
    loadWorkspaces().catch((err) => showToast(err.message, { kind: 'error' }));
  }, []);

  return html`
    <div class="shell">
      <${Sidebar} />
      <div class="main">
        <${Topbar} />
        <main class="content">
          <${Page} key=${key} params=${params} />
        </main>
      </div>
      <${Toasts} />
    </div>
  `;
}

export function App() {
  const signedIn = useStore(sessionStore, (state) => Boolean(state.session));
  return signedIn ? html`<${Shell} />` : html`<${LoginPage} />`;
}
