import { useEffect } from 'preact/hooks';
import { html } from '../lib/html.js';
import { useDocumentTitle } from '../lib/hooks.js';
import { ROLE_LABELS } from '../lib/permissions.js';
import { useStore } from '../state/store.js';
import { selectWorkspace, workspaceStore } from '../state/workspaces.js';
import { ErrorBanner, Spinner } from '../components/Feedback.js';
import { CategoriesSettings } from '../components/settings/CategoriesSettings.js';
import { GeneralSettings } from '../components/settings/GeneralSettings.js';
import { MembersSettings } from '../components/settings/MembersSettings.js';

export function SettingsPage({ params }) {
  const workspaceId = Number(params.workspaceId);
  const workspace = useStore(workspaceStore, (state) =>
    state.current?.id === workspaceId ? state.current : null,
  );
  const inList = useStore(workspaceStore, (state) =>
    state.loaded ? state.list.some((item) => item.id === workspaceId) : true,
  );
  useDocumentTitle(workspace ? `${workspace.name} settings` : 'Settings');

  useEffect(() => {
    selectWorkspace(workspaceId).catch(() => {});
  }, [workspaceId]);

  if (!inList) {
    return html`<div class="page">
      <${ErrorBanner} error="Workspace not found" testId="settings-not-found" />
    </div>`;
  }
  if (!workspace) return html`<div class="page"><${Spinner} /></div>`;

  const readOnly = !workspace.permissions.includes('workspace.update');
  const role = ROLE_LABELS[workspace.role].toLowerCase();
  const article = /^[aeiou]/.test(role) ? 'an' : 'a';

  return html`
    <div class="page page-narrow" data-testid="settings-page">
      <header class="page-header">
        <div>
          <h1>Workspace settings</h1>
          <p class="muted">
            ${readOnly
              ? `You are ${article} ${role} here: only admins can change these settings.`
              : 'Name, receipt rules, members and categories of this workspace.'}
          </p>
        </div>
      </header>
      <${GeneralSettings} workspace=${workspace} />
      <${MembersSettings} workspace=${workspace} />
      <${CategoriesSettings} workspace=${workspace} />
    </div>
  `;
}
