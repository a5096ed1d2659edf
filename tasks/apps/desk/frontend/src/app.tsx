import type { ComponentType } from 'preact';
import { Layout } from './components/Layout';
import { Link, matchPath, useRoute } from './lib/router';
import { sessionStore } from './lib/session';
import { useStore } from './lib/store';
import { LoginPage } from './pages/LoginPage';
import { NewTicketPage } from './pages/NewTicketPage';
import { SearchPage } from './pages/SearchPage';
import { SettingsPage } from './pages/SettingsPage';
import { TicketListPage } from './pages/TicketListPage';
import { TicketPage } from './pages/TicketPage';

type Page = ComponentType<{ params: Record<string, string> }>;

function NotFoundPage() {
  return (
    <section class="page" data-testid="not-found">
      <h1>Page not found</h1>
      <Link href="/">Back to tickets</Link>
    </section>
  );
}

const ROUTES: [string, Page][] = [
  ['/', TicketListPage],
  ['/views/:viewId', TicketListPage],
  ['/tickets/new', NewTicketPage],
  ['/tickets/:ticketId', TicketPage],
  ['/search', SearchPage],
  ['/settings', SettingsPage],
];

function resolve(path: string): { Page: Page; params: Record<string, string>; key: string } {
  for (const [pattern, Page] of ROUTES) {
    const params = matchPath(pattern, path);
    if (params && (pattern !== '/tickets/:ticketId' || /^[0-9]+$/.test(params.ticketId))) {
      return { Page, params, key: pattern };
    }
  }
  return { Page: NotFoundPage, params: {}, key: 'not-found' };
}

export function App() {
  const signedIn = useStore(sessionStore, (state) => state.session !== null);
  const { path } = useRoute();
  if (!signedIn) return <LoginPage />;
  const { Page, params, key } = resolve(path);
  return (
    <Layout>
      <Page key={key} params={params} />
    </Layout>
  );
}
