// The demo data: the Acme workspace on 2025-01-15 (the pinned clock of the benchmark). Every
// date is fixed, so the data is the same on every start: some issues are overdue on that day,
// Web has a completed, an active and an upcoming cycle.

import type { LabelColor, NotificationType, Priority, Role, Status } from '../../shared/api';
import { hashPassword } from './auth';
import type { Db } from './db';
import { ORDER_STEP } from './domain/ordering';
import { WORKSPACE_ID } from './domain/users';

interface SeedUser {
  name: string;
  handle: string;
  role: Role;
  timeZone: string;
}

export const SEED_PASSWORD = 'password';

/** Ids follow this order (ada is 1); emails are <handle>@board.test. */
const USERS: SeedUser[] = [
  { name: 'Ada Lovelace', handle: 'ada', role: 'admin', timeZone: 'Europe/London' },
  { name: 'Ben Carter', handle: 'ben', role: 'member', timeZone: 'America/New_York' },
  { name: 'Cleo Park', handle: 'cleo', role: 'member', timeZone: 'Europe/Berlin' },
  { name: 'Dan Okafor', handle: 'dan', role: 'member', timeZone: 'Africa/Lagos' },
  { name: 'Eve Martin', handle: 'eve', role: 'guest', timeZone: 'America/Los_Angeles' },
  { name: 'Farah Haddad', handle: 'farah', role: 'member', timeZone: 'Asia/Dubai' },
  { name: 'Gus Lindqvist', handle: 'gus', role: 'member', timeZone: 'Europe/Stockholm' },
  { name: 'Hana Sato', handle: 'hana', role: 'member', timeZone: 'Asia/Tokyo' },
];

const LABELS: Array<[string, LabelColor]> = [
  ['Bug', 'red'],
  ['Feature', 'blue'],
  ['Improvement', 'teal'],
  ['Design', 'purple'],
  ['Performance', 'orange'],
  ['Security', 'yellow'],
  ['Docs', 'gray'],
  ['Tech debt', 'pink'],
];

interface SeedCycle {
  name: string;
  startsOn: string;
  endsOn: string;
  completedAt?: string;
  scopeChanges?: number;
}

interface SeedIssue {
  title: string;
  status: Status;
  priority: Priority;
  assignee?: string;
  labels?: string[];
  estimate?: number;
  due?: string;
  /** Cycle number within the project. */
  cycle?: number;
  /** Number of the parent issue within the project. */
  parent?: number;
  creator: string;
  /** "2025-01-06 09:12", UTC */
  created: string;
  /** When the issue reached its status (required unless it is still backlog or todo). */
  moved?: string;
  description?: string;
}

interface SeedProject {
  key: string;
  name: string;
  description: string;
  lead: string;
  members: string[];
  created: string;
  cycles: SeedCycle[];
  issues: SeedIssue[];
}

const PROJECTS: SeedProject[] = [
  {
    key: 'WEB',
    name: 'Web',
    description: 'The customer-facing web app: storefront, checkout and account pages.',
    lead: 'ben',
    members: ['ada', 'ben', 'cleo', 'dan', 'eve', 'gus'],
    created: '2024-09-02 09:00',
    cycles: [
      { name: 'Sprint 1', startsOn: '2024-12-16', endsOn: '2024-12-29', completedAt: '2024-12-30 09:00', scopeChanges: 1 },
      { name: 'Sprint 2', startsOn: '2025-01-06', endsOn: '2025-01-19', scopeChanges: 2 },
      { name: 'Sprint 3', startsOn: '2025-01-20', endsOn: '2025-02-02' },
    ],
    issues: [
      {
        title: 'Redesign the checkout flow',
        status: 'in_progress',
        priority: 'high',
        assignee: 'ben',
        labels: ['Feature', 'Design'],
        estimate: 8,
        due: '2025-01-24',
        cycle: 2,
        creator: 'ada',
        created: '2025-01-02 09:00',
        moved: '2025-01-06 10:00',
        description:
          'Checkout has **four steps** today; we want *two*.\n\n- Shipping and payment on one page\n- Review and confirm\n\nMockups: [checkout v2](https://design.acme.test/checkout-v2)',
      },
      {
        title: 'Checkout button misaligned on Safari',
        status: 'todo',
        priority: 'medium',
        assignee: 'cleo',
        labels: ['Bug'],
        estimate: 2,
        due: '2025-01-17',
        cycle: 2,
        creator: 'cleo',
        created: '2025-01-08 15:30',
        description: 'On Safari 17 the `Pay now` button overlaps the terms checkbox.',
      },
      {
        title: 'Password reset emails arrive late',
        status: 'in_progress',
        priority: 'urgent',
        assignee: 'dan',
        labels: ['Bug', 'Performance'],
        estimate: 3,
        due: '2025-01-10',
        cycle: 2,
        creator: 'ben',
        created: '2025-01-07 08:45',
        moved: '2025-01-08 09:30',
        description: 'Reset links take up to **40 minutes** to arrive, and expire after 30.',
      },
      {
        title: 'Upgrade the router to v6',
        status: 'in_review',
        priority: 'high',
        assignee: 'gus',
        labels: ['Tech debt'],
        estimate: 5,
        due: '2025-01-14',
        cycle: 2,
        creator: 'ada',
        created: '2024-12-18 11:00',
        moved: '2025-01-15 09:50',
      },
      {
        title: 'Escape 100% of user input in CSV exports',
        status: 'todo',
        priority: 'high',
        assignee: 'ben',
        labels: ['Security'],
        estimate: 3,
        due: '2025-01-15',
        cycle: 2,
        creator: 'cleo',
        created: '2025-01-10 13:20',
        description: 'Titles with commas, "quotes" and line breaks break the export.',
      },
      {
        title: 'Add saved filters to the issue list',
        status: 'todo',
        priority: 'medium',
        assignee: 'cleo',
        labels: ['Feature'],
        estimate: 5,
        cycle: 2,
        creator: 'ben',
        created: '2025-01-06 16:00',
      },
      {
        title: 'Dark mode for the dashboard',
        status: 'backlog',
        priority: 'low',
        labels: ['Feature', 'Design'],
        estimate: 8,
        creator: 'cleo',
        created: '2024-11-20 10:00',
      },
      {
        title: 'Checkout: address form validation',
        status: 'done',
        priority: 'medium',
        assignee: 'cleo',
        labels: ['Feature'],
        estimate: 3,
        cycle: 1,
        parent: 1,
        creator: 'ben',
        created: '2024-12-16 10:00',
        moved: '2024-12-27 17:10',
      },
      {
        title: 'Checkout: order summary sidebar',
        status: 'in_progress',
        priority: 'medium',
        assignee: 'ben',
        estimate: 2,
        cycle: 2,
        parent: 1,
        creator: 'ben',
        created: '2025-01-06 10:15',
        moved: '2025-01-13 09:00',
      },
      {
        title: 'Checkout: payment error states',
        status: 'todo',
        priority: 'high',
        assignee: 'dan',
        estimate: 3,
        cycle: 2,
        parent: 1,
        creator: 'ben',
        created: '2025-01-06 10:20',
      },
      {
        title: 'Rename user_id to account_id in the API docs',
        status: 'todo',
        priority: 'low',
        assignee: 'gus',
        labels: ['Docs'],
        estimate: 1,
        creator: 'gus',
        created: '2025-01-09 14:00',
      },
      {
        title: 'Handle "smart quotes" in issue titles',
        status: 'backlog',
        priority: 'none',
        labels: ['Bug'],
        creator: 'dan',
        created: '2025-01-03 12:00',
        description: 'Pasting “curly” quotes from a document shows them as `&ldquo;` in the list.',
      },
      {
        title: 'Café menu crashes on Résumé upload',
        status: 'todo',
        priority: 'urgent',
        assignee: 'cleo',
        labels: ['Bug'],
        estimate: 2,
        due: '2025-01-13',
        creator: 'ada',
        created: '2025-01-11 09:40',
        description: 'Any file name with an accent (é, ü, ñ) makes the upload spin forever.',
      },
      {
        title: 'Landing page copy review',
        status: 'done',
        priority: 'low',
        assignee: 'ada',
        labels: ['Docs'],
        estimate: 1,
        cycle: 1,
        creator: 'ada',
        created: '2024-12-16 09:30',
        moved: '2024-12-20 16:00',
      },
      {
        title: 'Cookie banner blocks the login form on mobile',
        status: 'canceled',
        priority: 'medium',
        labels: ['Bug'],
        estimate: 2,
        cycle: 1,
        creator: 'dan',
        created: '2024-12-17 11:00',
        moved: '2024-12-23 10:00',
      },
      {
        title: 'Improve Lighthouse score above 90',
        status: 'backlog',
        priority: 'medium',
        assignee: 'dan',
        labels: ['Performance'],
        estimate: 5,
        cycle: 3,
        creator: 'ben',
        created: '2025-01-13 10:00',
      },
      {
        title: 'Onboarding checklist for new teams',
        status: 'todo',
        priority: 'medium',
        assignee: 'ben',
        labels: ['Feature'],
        estimate: 8,
        due: '2025-01-31',
        cycle: 3,
        creator: 'ada',
        created: '2025-01-14 15:00',
      },
    ],
  },
  {
    key: 'MOB',
    name: 'Mobile',
    description: 'The iOS and Android apps.',
    lead: 'cleo',
    members: ['ada', 'ben', 'cleo', 'farah', 'hana'],
    created: '2024-09-10 09:00',
    cycles: [
      { name: 'Cycle 1', startsOn: '2025-01-08', endsOn: '2025-01-21', scopeChanges: 1 },
      { name: 'Cycle 2', startsOn: '2025-01-22', endsOn: '2025-02-04' },
    ],
    issues: [
      {
        title: 'Offline mode for the issue list',
        status: 'in_progress',
        priority: 'high',
        assignee: 'farah',
        labels: ['Feature'],
        estimate: 8,
        due: '2025-01-21',
        cycle: 1,
        creator: 'cleo',
        created: '2025-01-02 10:00',
        moved: '2025-01-08 11:00',
      },
      {
        title: 'Push notifications arrive twice on Android',
        status: 'in_progress',
        priority: 'urgent',
        assignee: 'hana',
        labels: ['Bug'],
        estimate: 3,
        due: '2025-01-13',
        cycle: 1,
        creator: 'ben',
        created: '2025-01-09 08:00',
        moved: '2025-01-10 09:00',
      },
      {
        title: 'Crash when rotating the camera screen',
        status: 'todo',
        priority: 'high',
        assignee: 'farah',
        labels: ['Bug'],
        estimate: 2,
        cycle: 1,
        creator: 'hana',
        created: '2025-01-10 14:30',
      },
      {
        title: 'Update app store screenshots',
        status: 'todo',
        priority: 'low',
        assignee: 'cleo',
        labels: ['Design', 'Docs'],
        estimate: 1,
        due: '2025-02-10',
        creator: 'cleo',
        created: '2025-01-12 10:00',
      },
      {
        title: 'Biometric sign-in',
        status: 'todo',
        priority: 'medium',
        assignee: 'hana',
        labels: ['Feature', 'Security'],
        estimate: 5,
        cycle: 1,
        creator: 'cleo',
        created: '2025-01-05 09:00',
      },
      {
        title: 'Reduce cold start time below 2 s',
        status: 'backlog',
        priority: 'medium',
        labels: ['Performance'],
        estimate: 5,
        creator: 'farah',
        created: '2024-12-02 10:00',
      },
      {
        title: 'Tablet layout for the board',
        status: 'backlog',
        priority: 'low',
        assignee: 'cleo',
        labels: ['Design'],
        estimate: 8,
        cycle: 2,
        creator: 'cleo',
        created: '2024-12-12 15:00',
      },
      {
        title: 'Deep links open the wrong issue',
        status: 'in_review',
        priority: 'high',
        assignee: 'ben',
        labels: ['Bug'],
        estimate: 2,
        cycle: 1,
        creator: 'hana',
        created: '2025-01-08 12:00',
        moved: '2025-01-14 16:30',
      },
      {
        title: 'Settings screen: time zone picker',
        status: 'done',
        priority: 'medium',
        assignee: 'farah',
        labels: ['Feature'],
        estimate: 3,
        cycle: 1,
        creator: 'cleo',
        created: '2025-01-06 09:00',
        moved: '2025-01-13 17:00',
      },
      {
        title: 'Migrate to the new navigation library',
        status: 'todo',
        priority: 'medium',
        assignee: 'hana',
        labels: ['Tech debt'],
        estimate: 5,
        cycle: 2,
        creator: 'hana',
        created: '2025-01-07 11:00',
      },
      {
        title: 'Accessibility labels on all buttons',
        status: 'todo',
        priority: 'high',
        assignee: 'cleo',
        labels: ['Improvement'],
        estimate: 3,
        due: '2025-01-16',
        cycle: 1,
        creator: 'ada',
        created: '2025-01-08 09:30',
      },
      {
        title: 'Dark mode icons look blurry',
        status: 'canceled',
        priority: 'low',
        labels: ['Design', 'Bug'],
        creator: 'farah',
        created: '2025-01-04 10:00',
        moved: '2025-01-09 10:00',
      },
      {
        title: 'Dark mode icons: export at 3x',
        status: 'done',
        priority: 'low',
        assignee: 'cleo',
        labels: ['Design'],
        estimate: 1,
        cycle: 1,
        creator: 'farah',
        created: '2025-01-09 10:05',
        moved: '2025-01-10 15:00',
      },
    ],
  },
  {
    key: 'INF',
    name: 'Infra',
    description: 'Servers, CI, databases, monitoring and security.',
    lead: 'dan',
    members: ['ada', 'dan', 'farah', 'gus'],
    created: '2024-09-15 09:00',
    cycles: [
      { name: 'Cycle 1', startsOn: '2024-12-30', endsOn: '2025-01-12', completedAt: '2025-01-13 08:00' },
      { name: 'Cycle 2', startsOn: '2025-01-13', endsOn: '2025-01-26' },
    ],
    issues: [
      {
        title: 'Move CI to the new runners',
        status: 'done',
        priority: 'high',
        assignee: 'gus',
        labels: ['Tech debt'],
        estimate: 5,
        cycle: 1,
        creator: 'dan',
        created: '2024-12-30 09:00',
        moved: '2025-01-08 12:00',
      },
      {
        title: 'Rotate the API signing keys',
        status: 'in_progress',
        priority: 'urgent',
        assignee: 'dan',
        labels: ['Security'],
        estimate: 3,
        due: '2025-01-14',
        cycle: 2,
        creator: 'ada',
        created: '2025-01-06 08:00',
        moved: '2025-01-13 09:00',
      },
      {
        title: 'Nightly database backups to a second region',
        status: 'todo',
        priority: 'high',
        assignee: 'farah',
        labels: ['Improvement'],
        estimate: 5,
        due: '2025-01-20',
        cycle: 2,
        creator: 'dan',
        created: '2025-01-09 10:00',
      },
      {
        title: 'Alert when disk usage passes 80%',
        status: 'todo',
        priority: 'medium',
        assignee: 'gus',
        labels: ['Improvement'],
        estimate: 2,
        cycle: 2,
        creator: 'gus',
        created: '2025-01-10 11:00',
      },
      {
        title: 'Postgres 16 upgrade',
        status: 'backlog',
        priority: 'medium',
        assignee: 'dan',
        labels: ['Tech debt'],
        estimate: 8,
        creator: 'dan',
        created: '2024-11-04 10:00',
      },
      {
        title: 'Log retention policy: 30_days vs 90_days',
        status: 'backlog',
        priority: 'low',
        labels: ['Docs'],
        creator: 'gus',
        created: '2025-01-03 10:00',
      },
      {
        title: 'Staging deploys fail on Mondays',
        status: 'in_review',
        priority: 'high',
        assignee: 'gus',
        labels: ['Bug'],
        estimate: 3,
        cycle: 2,
        creator: 'farah',
        created: '2025-01-06 09:15',
        moved: '2025-01-14 15:00',
      },
      {
        title: 'Terraform the DNS records',
        status: 'done',
        priority: 'medium',
        assignee: 'farah',
        labels: ['Tech debt'],
        estimate: 3,
        cycle: 1,
        creator: 'dan',
        created: '2024-12-30 10:00',
        moved: '2025-01-10 16:00',
      },
      {
        title: 'Rate limit the public API',
        status: 'todo',
        priority: 'high',
        assignee: 'dan',
        labels: ['Security', 'Performance'],
        estimate: 5,
        due: '2025-01-22',
        cycle: 2,
        creator: 'ada',
        created: '2025-01-13 09:30',
      },
      {
        title: 'Document the on-call rota',
        status: 'todo',
        priority: 'low',
        assignee: 'ada',
        labels: ['Docs'],
        estimate: 1,
        due: '2025-01-09',
        creator: 'dan',
        created: '2025-01-06 14:00',
      },
      {
        title: 'Cost report for December',
        status: 'canceled',
        priority: 'none',
        creator: 'gus',
        created: '2025-01-02 10:00',
        moved: '2025-01-07 10:00',
      },
    ],
  },
];

/** [from, relation, to]: "blocks" or "relates". */
const RELATIONS: Array<[string, 'blocks' | 'relates', string, string]> = [
  ['WEB-4', 'blocks', 'WEB-6', '2025-01-06 16:05'],
  ['WEB-1', 'relates', 'WEB-2', '2025-01-08 15:35'],
  ['INF-2', 'blocks', 'MOB-5', '2025-01-06 08:10'],
  ['WEB-3', 'relates', 'INF-2', '2025-01-07 09:00'],
];

/** [issue, author, when, body] */
const COMMENTS: Array<[string, string, string, string]> = [
  ['WEB-1', 'ben', '2025-01-08 14:20', 'First pass of the new flow is up. @ada can you review the **shipping step**?'],
  ['WEB-1', 'ada', '2025-01-09 09:05', 'Looks good. Two notes:\n- keep the *promo code* field collapsed\n- the total must include tax'],
  ['WEB-2', 'eve', '2025-01-12 18:10', 'Still broken for me: <b>Safari 17.2</b> on a MacBook Air.'],
  ['WEB-3', 'dan', '2025-01-13 16:40', 'The mail queue is backed up: `sendmail` retries every 10 min. Working on it.'],
  ['WEB-3', 'ben', '2025-01-14 08:15', '@dan any update? Customers are writing in.'],
  ['WEB-5', 'cleo', '2025-01-14 11:00', 'Values like `=SUM(A1)` and "quotes, commas" must survive the export unchanged.'],
  ['WEB-6', 'cleo', '2025-01-12 10:30', 'Waiting on WEB-4: the new router changes how we read the query string.'],
  ['WEB-13', 'eve', '2025-01-14 17:45', 'Reproduced with a file named Résumé.pdf: the upload spinner never stops.'],
  ['WEB-4', 'gus', '2025-01-15 09:55', 'Ready for review: all routes migrated, 100% of the tests pass.'],
  ['MOB-2', 'hana', '2025-01-13 12:00', 'Duplicate tokens are registered after a reinstall. @farah did we change the FCM setup?'],
  ['MOB-2', 'farah', '2025-01-13 15:30', "Not since December. I'll check the token refresh handler."],
  ['MOB-8', 'ben', '2025-01-14 13:10', 'Links like board://issues/MOB-8 open MOB-80. Off-by-one in the parser?'],
  ['INF-2', 'dan', '2025-01-14 18:00', 'New keys generated; 50% of services switched.'],
  ['INF-2', 'ada', '2025-01-15 08:30', '@dan please finish before Friday: the old keys expire.'],
  ['INF-6', 'gus', '2025-01-10 10:00', 'Legal asked for 90_days on audit logs only.'],
];

/** [recipient, type, issue, actor, when, read, comment index in COMMENTS or null, detail] */
const NOTIFICATIONS: Array<[string, NotificationType, string, string, string, boolean, number | null, string | null]> = [
  ['ada', 'mentioned', 'WEB-1', 'ben', '2025-01-08 14:20', true, 0, null],
  ['ada', 'assigned', 'INF-10', 'dan', '2025-01-06 14:00', false, null, null],
  ['ada', 'status_changed', 'WEB-4', 'gus', '2025-01-15 09:50', false, null, 'in_review'],
  ['ada', 'commented', 'WEB-4', 'gus', '2025-01-15 09:55', false, 8, null],
  ['ben', 'commented', 'WEB-3', 'dan', '2025-01-13 16:40', true, 3, null],
  ['dan', 'mentioned', 'WEB-3', 'ben', '2025-01-14 08:15', false, 4, null],
  ['dan', 'mentioned', 'INF-2', 'ada', '2025-01-15 08:30', false, 13, null],
  ['farah', 'mentioned', 'MOB-2', 'hana', '2025-01-13 12:00', true, 9, null],
  ['cleo', 'commented', 'WEB-13', 'eve', '2025-01-14 17:45', false, 7, null],
];

/** [user, name, project or null, query] */
const SAVED_VIEWS: Array<[string, string, string | null, string]> = [
  ['ada', 'Urgent and high', 'WEB', 'priority=urgent,high&sort=due'],
  ['ada', 'Overdue', null, 'overdue=true'],
  ['ben', 'Web bugs by assignee', 'WEB', 'label=1&group=assignee'],
];

/** "2025-01-06 09:12" -> "2025-01-06T09:12:00Z" */
const at = (text: string) => `${text.replace(' ', 'T')}:00Z`;

/** The statuses an issue went through after `todo` to reach `status`, following the workflow. */
function pathTo(status: Status): Status[] {
  switch (status) {
    case 'in_progress':
      return ['in_progress'];
    case 'in_review':
      return ['in_progress', 'in_review'];
    case 'done':
      return ['in_progress', 'done'];
    case 'canceled':
      return ['canceled'];
    default:
      return [];
  }
}

// Hashing is deliberately slow: hash the demo password once per process (all demo accounts
// share it, salt included), not once per user on every reset.
let demoHash: string | null = null;
function demoPasswordHash(): string {
  demoHash ??= hashPassword(SEED_PASSWORD);
  return demoHash;
}

export function seed(db: Db): void {
  db.transaction(() => seedAll(db));
}

function seedAll(db: Db): void {
  db.run('INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)', [WORKSPACE_ID, 'Acme', at('2024-09-01 09:00')]);

  const userIds = new Map<string, number>();
  USERS.forEach((user, index) => {
    const id = index + 1;
    const joined = at(`2024-09-${String(1 + index * 2).padStart(2, '0')} 09:00`);
    db.run('INSERT INTO users (id, name, handle, email, password_hash, created_at, time_zone) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      id,
      user.name,
      user.handle,
      `${user.handle}@board.test`,
      demoPasswordHash(),
      joined,
      user.timeZone,
    ]);
    db.run('INSERT INTO workspace_members (workspace_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)', [
      WORKSPACE_ID,
      id,
      user.role,
      joined,
    ]);
    userIds.set(user.handle, id);
  });
  const userId = (handle: string) => {
    const id = userIds.get(handle);
    if (id === undefined) throw new Error(`seed: unknown user ${handle}`);
    return id;
  };

  const labelIds = new Map<string, number>();
  LABELS.forEach(([name, color], index) => {
    db.run('INSERT INTO labels (id, workspace_id, name, color) VALUES (?, ?, ?, ?)', [index + 1, WORKSPACE_ID, name, color]);
    labelIds.set(name, index + 1);
  });

  const issueIds = new Map<string, number>();
  PROJECTS.forEach((project, projectIndex) => {
    const projectId = projectIndex + 1;
    db.run(
      `INSERT INTO projects (id, workspace_id, key, name, description, lead_id, archived, next_number, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
      [projectId, WORKSPACE_ID, project.key, project.name, project.description, userId(project.lead), project.issues.length + 1, at(project.created)],
    );
    for (const member of project.members) {
      db.run('INSERT INTO project_members (project_id, user_id, added_at) VALUES (?, ?, ?)', [projectId, userId(member), at(project.created)]);
    }

    const cycleIds: number[] = [];
    project.cycles.forEach((cycle, index) => {
      const { lastId } = db.run(
        `INSERT INTO cycles (project_id, number, name, starts_on, ends_on, completed_at, scope_changes, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          projectId,
          index + 1,
          cycle.name,
          cycle.startsOn,
          cycle.endsOn,
          cycle.completedAt ? at(cycle.completedAt) : null,
          cycle.scopeChanges ?? 0,
          at(`${cycle.startsOn} 08:00`),
        ],
      );
      cycleIds.push(lastId);
    });

    const columnSize = new Map<Status, number>();
    project.issues.forEach((issue, index) => {
      const number = index + 1;
      const key = `${project.key}-${number}`;
      const created = at(issue.created);
      const moved = issue.moved ? at(issue.moved) : created;
      const position = (columnSize.get(issue.status) ?? 0) + 1;
      columnSize.set(issue.status, position);
      const { lastId } = db.run(
        `INSERT INTO issues (project_id, number, title, description, status, priority, assignee_id, estimate, due_date,
                             sort_order, created_by, created_at, updated_at, completed_at, cycle_id, parent_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          projectId,
          number,
          issue.title,
          issue.description ?? '',
          issue.status,
          issue.priority,
          issue.assignee ? userId(issue.assignee) : null,
          issue.estimate ?? null,
          issue.due ?? null,
          position * ORDER_STEP,
          userId(issue.creator),
          created,
          moved,
          issue.status === 'done' ? moved : null,
          issue.cycle ? cycleIds[issue.cycle - 1] : null,
          issue.parent ? issueIds.get(`${project.key}-${issue.parent}`) ?? null : null,
        ],
      );
      issueIds.set(key, lastId);
      for (const label of issue.labels ?? []) {
        const labelId = labelIds.get(label);
        if (labelId === undefined) throw new Error(`seed: unknown label ${label}`);
        db.run('INSERT INTO issue_labels (issue_id, label_id) VALUES (?, ?)', [lastId, labelId]);
      }

      const creatorId = userId(issue.creator);
      const insertActivity = (actorId: number, field: string, from: string | null, to: string | null, when: string) =>
        db.run('INSERT INTO activity (issue_id, actor_id, field, from_value, to_value, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
          lastId,
          actorId,
          field,
          from,
          to,
          when,
        ]);
      insertActivity(creatorId, 'created', null, key, created);
      // Status changes, spread between creation and the last move, by the assignee when there is one.
      const steps = pathTo(issue.status);
      const mover = issue.assignee ? userId(issue.assignee) : creatorId;
      let previous: Status = 'todo';
      steps.forEach((status, step) => {
        const createdMs = Date.parse(created);
        const movedMs = Date.parse(moved);
        const when = new Date(createdMs + ((movedMs - createdMs) * (step + 1)) / steps.length).toISOString().replace(/\.\d{3}Z$/, 'Z');
        insertActivity(mover, 'status', previous, status, when);
        previous = status;
      });

      db.run('INSERT OR IGNORE INTO subscriptions (issue_id, user_id) VALUES (?, ?)', [lastId, creatorId]);
      if (issue.assignee) {
        db.run('INSERT OR IGNORE INTO subscriptions (issue_id, user_id) VALUES (?, ?)', [lastId, userId(issue.assignee)]);
      }
    });
  });

  const issueId = (key: string) => {
    const id = issueIds.get(key);
    if (id === undefined) throw new Error(`seed: unknown issue ${key}`);
    return id;
  };

  for (const [from, kind, to, when] of RELATIONS) {
    db.run('INSERT INTO issue_relations (from_issue_id, to_issue_id, kind, created_by, created_at) VALUES (?, ?, ?, ?, ?)', [
      issueId(from),
      issueId(to),
      kind,
      userId('ada'),
      at(when),
    ]);
  }

  const commentIds: number[] = [];
  for (const [key, author, when, body] of COMMENTS) {
    const { lastId } = db.run('INSERT INTO comments (issue_id, author_id, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
      issueId(key),
      userId(author),
      body,
      at(when),
      at(when),
    ]);
    commentIds.push(lastId);
    db.run('INSERT OR IGNORE INTO subscriptions (issue_id, user_id) VALUES (?, ?)', [issueId(key), userId(author)]);
    db.run('UPDATE issues SET updated_at = max(updated_at, ?) WHERE id = ?', [at(when), issueId(key)]);
  }

  for (const [recipient, type, key, actor, when, read, commentIndex, detail] of NOTIFICATIONS) {
    db.run(
      `INSERT INTO notifications (user_id, type, issue_id, actor_id, comment_id, detail, read_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        userId(recipient),
        type,
        issueId(key),
        userId(actor),
        commentIndex === null ? null : commentIds[commentIndex],
        detail ?? (commentIndex === null ? null : COMMENTS[commentIndex][3].slice(0, 140)),
        read ? at(when) : null,
        at(when),
      ],
    );
  }

  for (const [user, name, projectKey, query] of SAVED_VIEWS) {
    const projectIndex = projectKey === null ? -1 : PROJECTS.findIndex((project) => project.key === projectKey);
    db.run('INSERT INTO saved_views (user_id, project_id, name, query, created_at) VALUES (?, ?, ?, ?, ?)', [
      userId(user),
      projectIndex < 0 ? null : projectIndex + 1,
      name,
      query,
      at('2025-01-10 12:00'),
    ]);
  }
}
