import { html } from '../lib/html.js';
import { Avatar } from './Avatar.js';

/**
 * Overlapping avatars. Up to `max` people are shown; with more, the last slot becomes
 * a "+N" bubble counting everyone who is not shown.
 */
export function AvatarStack({ users, max = 4, size = 'sm', testId = 'split-avatars' }) {
  const overflow = users.length > max;
  const shown = overflow ? users.slice(0, max - 1) : users;
  const hidden = users.length - shown.length;
  return html`
    <span class="avatar-stack" data-testid=${testId}>
      ${shown.map((user) => html`<${Avatar} key=${user.id} user=${user} size=${size} />`)}
      ${overflow &&
      html`<span class=${`avatar avatar-${size} avatar-overflow`} data-testid=${`${testId}-overflow`}>
        +${hidden}
      </span>`}
    </span>
  `;
}
