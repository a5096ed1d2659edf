import { ROLES } from '../../../../shared/api';
import type { Member, Role } from '../../../../shared/api';
import { api } from '../../api';
import { PageState } from '../../components/PageState';
import { useQuery } from '../../hooks/useQuery';
import { formatCalendarDate } from '../../lib/dates';
import { updateSessionUser, useMe } from '../../lib/session';
import { showToast, toastError } from '../../lib/toasts';

const ROLE_LABELS: Record<Role, string> = { admin: 'Admin', member: 'Member', guest: 'Guest' };

/** The workspace must keep an admin: the only one can be neither demoted nor removed. */
export function isLastAdmin(member: Member, members: Member[]): boolean {
  return member.role === 'admin' && members.filter((other) => other.role === 'admin').length === 1;
}

export function MembersSettings({ canEdit }: { canEdit: boolean }) {
  const me = useMe();
  const members = useQuery('members', api.members);

  const changeRole = async (member: Member, role: Role) => {
    try {
      const updated = await api.updateMember(member.id, role);
      members.setData((list) => list.map((other) => (other.id === updated.id ? updated : other)));
      showToast(`${updated.name} is now ${ROLE_LABELS[updated.role].toLowerCase()}`, 'success');
      if (updated.id === me.id) api.me().then(updateSessionUser, () => undefined);
    } catch (err) {
      toastError(err);
      members.reload();
    }
  };

  const remove = async (member: Member) => {
    if (!window.confirm(`Remove ${member.name} from the workspace?`)) return;
    try {
      await api.removeMember(member.id);
      members.setData((list) => list.filter((other) => other.id !== member.id));
      showToast(`Removed ${member.name}`, 'success');
    } catch (err) {
      toastError(err);
    }
  };

  if (!members.data) return <PageState error={members.error} loading={members.loading} />;
  const list = members.data;

  return (
    <section data-testid="members-settings">
      <h2>Members</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Projects</th>
            <th scope="col">Joined</th>
            {canEdit && <th scope="col" aria-label="Actions" />}
          </tr>
        </thead>
        <tbody>
          {list.map((member) => {
            const lastAdmin = isLastAdmin(member, list);
            return (
              <tr key={member.id} data-testid={`member-row-${member.id}`}>
                <td>
                  {member.name} <span className="muted small">@{member.handle}</span>
                </td>
                <td>{member.email}</td>
                <td>
                  {canEdit ? (
                    <>
                      <label htmlFor={`role-${member.id}`} className="visually-hidden">
                        Role of {member.name}
                      </label>
                      <select
                        id={`role-${member.id}`}
                        value={member.role}
                        onChange={(event) => void changeRole(member, event.target.value as Role)}
                        title={lastAdmin ? 'The last admin cannot be demoted' : undefined}
                        data-testid={`member-role-${member.id}`}
                      >
                        {ROLES.map((role) => (
                          <option key={role} value={role}>
                            {ROLE_LABELS[role]}
                          </option>
                        ))}
                      </select>
                    </>
                  ) : (
                    <span className="role-chip" data-testid={`member-role-${member.id}`}>
                      {member.role}
                    </span>
                  )}
                </td>
                <td className="small">{member.project_keys.join(', ') || '—'}</td>
                <td className="small muted">{formatCalendarDate(member.joined_at.slice(0, 10))}</td>
                {canEdit && (
                  <td>
                    <button
                      type="button"
                      className="button button-small button-danger"
                      onClick={() => void remove(member)}
                      title={lastAdmin ? 'The last admin cannot be removed' : undefined}
                      data-testid={`member-remove-${member.id}`}
                    >
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
