import { html } from '../lib/html.js';
import { ROLE_LABELS } from '../lib/permissions.js';
import { useStore } from '../state/store.js';
import { workspaceStore } from '../state/workspaces.js';
import { SearchBox } from './SearchBox.js';

export function Topbar() {
  const current = useStore(workspaceStore, (state) => state.current);
  return html`
    <header class="topbar">
      <div class="topbar-workspace">
        ${current &&
        html`
          <span class="topbar-title" data-testid="current-workspace">${current.name}</span>
          <span class="role-pill" data-testid="current-role">${ROLE_LABELS[current.role]}</span>
        `}
      </div>
      <${SearchBox} />
    </header>
  `;
}
