import { html } from '../lib/html.js';
import { avatarColor, initials } from '../lib/avatar.js';

export function Avatar({ user, size = 'md', testId }) {
  return html`
    <span
      class=${`avatar avatar-${size}`}
      style=${{ backgroundColor: avatarColor(user.id) }}
      title=${user.name}
      aria-label=${user.name}
      data-testid=${testId}
      data-user-id=${user.id}
    >
      ${initials(user.name)}
    </span>
  `;
}
