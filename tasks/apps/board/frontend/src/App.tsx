import { Navigate, Route, Routes } from 'react-router-dom';
import { Layout } from './components/Layout';
import { useSignedIn } from './lib/session';
import { CyclePage } from './pages/CyclePage';
import { CyclesPage } from './pages/CyclesPage';
import { InboxPage } from './pages/InboxPage';
import { IssuePage } from './pages/IssuePage';
import { LoginPage } from './pages/LoginPage';
import { MyIssuesPage } from './pages/MyIssuesPage';
import { NewIssuePage } from './pages/NewIssuePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ProjectBoardPage } from './pages/ProjectBoardPage';
import { ProjectListPage } from './pages/ProjectListPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { SearchPage } from './pages/SearchPage';
import { SettingsPage } from './pages/SettingsPage';

/**
 * Signed out, every address shows the login form, and the address is left alone: after signing
 * in, the router renders whatever page (and query) the browser was opened at.
 */
export function App() {
  const signedIn = useSignedIn();
  if (!signedIn) return <LoginPage />;
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/my-issues" replace />} />
        <Route path="inbox" element={<InboxPage />} />
        <Route path="my-issues" element={<MyIssuesPage />} />
        <Route path="projects" element={<ProjectsPage />} />
        <Route path="projects/:key" element={<ProjectListPage />} />
        <Route path="projects/:key/board" element={<ProjectBoardPage />} />
        <Route path="projects/:key/cycles" element={<CyclesPage />} />
        <Route path="cycles/:id" element={<CyclePage />} />
        <Route path="issues/:key" element={<IssuePage />} />
        <Route path="new" element={<NewIssuePage />} />
        <Route path="search" element={<SearchPage />} />
        <Route path="settings/*" element={<SettingsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
