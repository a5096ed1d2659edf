/**
 * The server sends the actions the signed-in user may take: `permissions` on a workspace
 * ("workspace.update", "categories.manage", ...) and on a report ("edit", "submit", ...).
 * The UI only hides what the server would refuse anyway.
 */

export function canInWorkspace(workspace, action) {
  return Boolean(workspace?.permissions?.includes(action));
}

export function canOnReport(report, action) {
  return Boolean(report?.permissions?.includes(action));
}

export const ROLE_LABELS = {
  admin: 'Admin',
  auditor: 'Auditor',
  member: 'Member',
};
