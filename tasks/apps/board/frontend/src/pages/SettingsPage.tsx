import { Navigate, NavLink, Route, Routes } from 'react-router-dom';
import { isAdmin, useMe } from '../lib/session';
import { NotFoundPage } from './NotFoundPage';
import { LabelsSettings } from './settings/LabelsSettings';
import { MembersSettings } from './settings/MembersSettings';
import { ProfileSettings } from './settings/ProfileSettings';
import { WorkspaceSettings } from './settings/WorkspaceSettings';

const navClass = ({ isActive }: { isActive: boolean }) => (isActive ? 'nav-link active' : 'nav-link');

export function SettingsPage() {
  const me = useMe();
  const admin = isAdmin(me);
  return (
    <section className="settings" data-testid="settings-page">
      <nav className="settings-nav" aria-label="Settings">
        <h1>Settings</h1>
        <NavLink to="/settings/profile" className={navClass} data-testid="settings-nav-profile">
          Profile
        </NavLink>
        <NavLink to="/settings/workspace" className={navClass} data-testid="settings-nav-workspace">
          Workspace
        </NavLink>
        <NavLink to="/settings/members" className={navClass} data-testid="settings-nav-members">
          Members
        </NavLink>
        <NavLink to="/settings/labels" className={navClass} data-testid="settings-nav-labels">
          Labels
        </NavLink>
      </nav>
      <div className="settings-panel">
        <Routes>
          <Route index element={<Navigate to="/settings/profile" replace />} />
          <Route path="profile" element={<ProfileSettings />} />
          <Route path="workspace" element={<WorkspaceSettings canEdit={admin} />} />
          <Route path="members" element={<MembersSettings canEdit={admin} />} />
          <Route path="labels" element={<LabelsSettings canEdit={admin} />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </div>
    </section>
  );
}
