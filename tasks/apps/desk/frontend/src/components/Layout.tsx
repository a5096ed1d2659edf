import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Api } from '../lib/api';
import { Link, navigate, useRoute } from '../lib/router';
import { isStaff, signOut, useCurrentUser } from '../lib/session';
import { useStore } from '../lib/store';
import { companyStore, loadCompany } from '../state/company';
import { showToast, toastStore } from '../state/toasts';
import { refreshViews, viewsStore } from '../state/views';

function Sidebar() {
  const user = useCurrentUser();
  const { path } = useRoute();
  const { views } = useStore(viewsStore);
  const companyName = useStore(companyStore, (state) => state.name);

  const current = path === '/' ? views[0]?.id : path.startsWith('/views/') ? path.slice('/views/'.length) : null;
  return (
    <nav class="sidebar" data-testid="sidebar">
      <div class="brand">
        <span class="brand-mark">D</span>
        <span class="brand-name" data-testid="company-name">
          {companyName}
        </span>
      </div>
      <Link href="/tickets/new" class="button button-primary button-block" data-testid="new-ticket">
        {isStaff(user) ? 'New ticket' : 'Submit a request'}
      </Link>
      <ul class="view-list" data-testid="view-list">
        {views.map((view) => (
          <li key={view.id}>
            <Link
              href={`/views/${view.id}`}
              class={view.id === current ? 'view-link active' : 'view-link'}
              data-testid={`view-${view.id}`}
            >
              <span>{view.name}</span>
              <span class="view-count" data-testid={`view-count-${view.id}`}>
                {view.count}
              </span>
            </Link>
          </li>
        ))}
      </ul>
      {isStaff(user) && (
        <Link href="/settings" class={path === '/settings' ? 'view-link active' : 'view-link'} data-testid="nav-settings">
          Settings
        </Link>
      )}
    </nav>
  );
}

function Topbar() {
  const user = useCurrentUser();
  const { path, query } = useRoute();
  const [q, setQ] = useState(path === '/search' ? query.q ?? '' : '');

  const submit = (event: Event) => {
    event.preventDefault();
    if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
  };
  const logout = () => {
    Api.logout().catch(() => undefined);
    signOut();
  };

  return (
    <header class="topbar">
      <form class="search-form" role="search" onSubmit={submit}>
        <input
          type="search"
          placeholder="Search tickets"
          value={q}
          onInput={(event) => setQ(event.currentTarget.value)}
          data-testid="search-input"
        />
      </form>
      <div class="current-user">
        <span data-testid="current-user">{user.name}</span>
        <span class="role" data-testid="current-role">
          {user.role}
        </span>
        <button type="button" class="button button-ghost" onClick={logout} data-testid="logout">
          Sign out
        </button>
      </div>
    </header>
  );
}

function Toasts() {
  const { toasts } = useStore(toastStore);
  return (
    <div class="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} class={`toast toast-${toast.kind}`} data-testid="toast">
          {toast.text}
        </div>
      ))}
    </div>
  );
}

export function Layout({ children }: { children: ComponentChildren }) {
  useEffect(() => {
    refreshViews().catch((err: Error) => showToast(err.message, 'error'));
    loadCompany().catch(() => undefined);
  }, []);
  return (
    <div class="shell">
      <Sidebar />
      <div class="main">
        <Topbar />
        <main class="content">{children}</main>
      </div>
      <Toasts />
    </div>
  );
}
