import { useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { Workspaces } from '../../lib/api.js';
import { canInWorkspace, ROLE_LABELS } from '../../lib/permissions.js';
import { currentUser } from '../../state/session.js';
import { patchCurrentWorkspace } from '../../state/workspaces.js';
import { Avatar } from '../Avatar.js';
import { ErrorBanner, FieldError } from '../Feedback.js';

const ROLES = Object.keys(ROLE_LABELS);

function RoleSelect({ value, onChange, testId, disabled }) {
  return html`
    <select
      value=${value}
      disabled=${disabled}
      onChange=${(event) => onChange(event.currentTarget.value)}
      data-testid=${testId}
    >
      ${ROLES.map((role) => html`<option key=${role} value=${role}>${ROLE_LABELS[role]}</option>`)}
    </select>
  `;
}

export function MembersSettings({ workspace }) {
  const manage = canInWorkspace(workspace, 'members.manage');
  const me = currentUser();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('member');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const run = async (action) => {
    setBusy(true);
    setError(null);
    try {
      const { members } = await action();
      patchCurrentWorkspace({ members });
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const changeRole = async (member, nextRole) => {
    const previous = workspace.members;
    patchCurrentWorkspace({
      members: previous.map((item) => (item.id === member.id ? { ...item, role: nextRole } : item)),
    });
    const saved = await run(() => Workspaces.setMemberRole(workspace.id, member.id, nextRole));
    if (!saved) patchCurrentWorkspace({ members: previous });
  };

  const add = async (event) => {
    event.preventDefault();
    if (await run(() => Workspaces.addMember(workspace.id, email, role))) {
      setEmail('');
      setRole('member');
    }
  };

  return html`
    <section class="card settings-card" data-testid="members-section">
      <h2 class="card-title">Members <span class="count">${workspace.members.length}</span></h2>
      ${error &&
      error.field !== 'email' &&
      html`<${ErrorBanner} error=${error} testId="members-error" />`}
      <ul class="member-list">
        ${workspace.members.map(
          (member) => html`
            <li key=${member.id} class="member-row" data-testid=${`member-row-${member.id}`}>
              <${Avatar} user=${member} />
              <div class="member-info">
                <span class="member-name">
                  ${member.name}${member.id === me?.id && html`<span class="muted"> (you)</span>`}
                </span>
                <span class="member-email">${member.email}</span>
              </div>
              ${manage
                ? html`<${RoleSelect}
                    value=${member.role}
                    disabled=${busy}
                    onChange=${(next) => changeRole(member, next)}
                    testId=${`member-role-${member.id}`}
                  />`
                : html`<span class="role-pill" data-testid=${`member-role-${member.id}`}>
                    ${ROLE_LABELS[member.role]}
                  </span>`}
              ${manage &&
              html`<button
                type="button"
                class="link-button danger"
                disabled=${busy}
                onClick=${() => run(() => Workspaces.removeMember(workspace.id, member.id))}
                data-testid=${`remove-member-${member.id}`}
              >
                Remove
              </button>`}
            </li>
          `,
        )}
      </ul>
      ${manage &&
      html`
        <form class="inline-form" onSubmit=${add}>
          <div class="field field-grow">
            <input
              type="email"
              placeholder="Invite by email"
              value=${email}
              onInput=${(event) => setEmail(event.currentTarget.value)}
              data-testid="add-member-email"
            />
            <${FieldError} error=${error} field="email" testIdPrefix="members-error" />
          </div>
          <${RoleSelect} value=${role} onChange=${setRole} testId="add-member-role" />
          <button
            type="submit"
            class="button button-primary"
            disabled=${busy || !email.trim()}
            data-testid="add-member-submit"
          >
            Add member
          </button>
        </form>
      `}
    </section>
  `;
}
