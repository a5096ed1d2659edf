import { useEffect } from 'preact/hooks';
import { html } from '../lib/html.js';
import { Chat } from '../lib/api.js';
import { useDocumentTitle, useResource } from '../lib/hooks.js';
import { canInWorkspace } from '../lib/permissions.js';
import { Link } from '../lib/router.js';
import { useStore } from '../state/store.js';
import { selectWorkspace, workspaceStore } from '../state/workspaces.js';
import { AvatarStack } from '../components/AvatarStack.js';
import { ChatPanel } from '../components/ChatPanel.js';
import { ErrorBanner, Spinner } from '../components/Feedback.js';

export function RoomPage({ params }) {
  const roomId = Number(params.roomId);
  const { data: room, error, loading } = useResource(() => Chat.room(roomId), [roomId]);
  const workspace = useStore(workspaceStore, (state) =>
    state.current?.id === room?.workspace_id ? state.current : null,
  );
  const title = room ? (room.kind === 'report' ? room.name : `#${room.name}`) : 'Room';
  useDocumentTitle(title);

  useEffect(() => {
    if (room) selectWorkspace(room.workspace_id).catch(() => {});
  }, [room?.workspace_id]);

  if (error) {
    return html`<div class="page"><${ErrorBanner} error=${error} testId="room-error" /></div>`;
  }
  if (loading || !room) return html`<div class="page"><${Spinner} /></div>`;

  return html`
    <div class="room-page">
      <header class="room-header">
        <div>
          <h1 data-testid="room-title">${title}</h1>
          ${room.kind === 'report' &&
          html`<${Link} href=${`/reports/${room.report_id}`} class="muted">Open the report<//>`}
        </div>
        <div class="room-members" title=${`${room.members.length} members`}>
          <${AvatarStack} users=${room.members} max=${5} size="xs" testId="room-members" />
          <span class="muted">${room.members.length} members</span>
        </div>
      </header>
      <${ChatPanel}
        room=${room}
        canSplit=${canInWorkspace(workspace, 'splits.create')}
        placeholder=${`Message ${title}`}
      />
    </div>
  `;
}
