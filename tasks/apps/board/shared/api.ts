// The Board API contract: every entity the server returns and every request body it accepts.
// JSON field names are snake_case. Instants are ISO 8601 UTC strings without milliseconds
// ("2025-01-15T10:00:00Z"); calendar dates (due dates, cycle dates) are "YYYY-MM-DD" and are
// NOT instants: they mean the same day in every time zone.

export type Instant = string;
export type CalendarDate = string;

// ---------------------------------------------------------------------------------------------
// Errors and pagination

/** Body of every 4xx/5xx answer. `field` names the request field at fault, when there is one. */
export interface ApiError {
  error: string;
  field?: string;
}

export interface OkResponse {
  ok: true;
}

/** A page of a list. Pass `next_cursor` back as `?cursor=` to get the next page; null on the last. */
export interface ListPage<T> {
  items: T[];
  next_cursor: string | null;
  total: number;
}

export const PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

// ---------------------------------------------------------------------------------------------
// Workflow constants shared by both sides

export type Role = 'admin' | 'member' | 'guest';
export const ROLES: readonly Role[] = ['admin', 'member', 'guest'];

export type Status = 'backlog' | 'todo' | 'in_progress' | 'in_review' | 'done' | 'canceled';
/** Board column order, left to right. */
export const STATUS_ORDER: readonly Status[] = ['backlog', 'todo', 'in_progress', 'in_review', 'done', 'canceled'];
export const STATUS_LABELS: Record<Status, string> = {
  backlog: 'Backlog',
  todo: 'Todo',
  in_progress: 'In Progress',
  in_review: 'In Review',
  done: 'Done',
  canceled: 'Canceled',
};
/** Statuses an issue may move to from each status (moving to the same status is always allowed). */
export const STATUS_TRANSITIONS: Record<Status, readonly Status[]> = {
  backlog: ['todo', 'in_progress', 'canceled'],
  todo: ['backlog', 'in_progress', 'done', 'canceled'],
  in_progress: ['todo', 'in_review', 'done', 'canceled'],
  in_review: ['in_progress', 'done', 'canceled'],
  done: ['todo'],
  canceled: ['todo'],
};
/** An issue is closed (finished) in these statuses: it no longer blocks, is never overdue. */
export const CLOSED_STATUSES: readonly Status[] = ['done', 'canceled'];

export type Priority = 'urgent' | 'high' | 'medium' | 'low' | 'none';
/** Most urgent first: sorting by priority follows this order. */
export const PRIORITY_ORDER: readonly Priority[] = ['urgent', 'high', 'medium', 'low', 'none'];
export const PRIORITY_LABELS: Record<Priority, string> = {
  urgent: 'Urgent',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  none: 'No priority',
};

/** Allowed estimates, in points. */
export const ESTIMATES = [0, 1, 2, 3, 5, 8, 13] as const;
export type Estimate = (typeof ESTIMATES)[number];

export type LabelColor = 'gray' | 'red' | 'orange' | 'yellow' | 'green' | 'teal' | 'blue' | 'purple' | 'pink';
export const LABEL_COLORS: readonly LabelColor[] = ['gray', 'red', 'orange', 'yellow', 'green', 'teal', 'blue', 'purple', 'pink'];

export type CycleStatus = 'upcoming' | 'active' | 'completed';

export type RelationType = 'blocks' | 'blocked_by' | 'relates';

export type NotificationType = 'assigned' | 'mentioned' | 'status_changed' | 'commented';

export type IssueSort = 'priority' | 'updated' | 'due' | 'created' | 'estimate' | 'manual';
export const ISSUE_SORTS: readonly IssueSort[] = ['priority', 'updated', 'due', 'created', 'estimate', 'manual'];
export const DEFAULT_ISSUE_SORT: IssueSort = 'priority';

export type IssueGroup = 'status' | 'assignee' | 'priority';
export const ISSUE_GROUPS: readonly IssueGroup[] = ['status', 'assignee', 'priority'];

export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 20000;
export const COMMENT_MAX_LENGTH = 10000;
/** A comment can be edited by its author for this long after it was posted (server clock). */
export const COMMENT_EDIT_WINDOW_MINUTES = 15;

// ---------------------------------------------------------------------------------------------
// People

export interface User {
  id: number;
  name: string;
  /** Lowercase, used for @mentions ("@ben"). */
  handle: string;
  email: string;
}

export interface NotificationPrefs {
  assigned: boolean;
  mentioned: boolean;
  status_changed: boolean;
  commented: boolean;
}

/** The signed-in user. */
export interface Me extends User {
  role: Role;
  /** IANA zone, e.g. "Europe/Paris"; decides "today" for due dates and cycles. */
  time_zone: string;
  notification_prefs: NotificationPrefs;
}

/** A workspace member as listed in settings. */
export interface Member extends User {
  role: Role;
  joined_at: Instant;
  /** Keys of the projects the member belongs to. */
  project_keys: string[];
}

export interface ProjectMember extends User {
  role: Role;
  is_lead: boolean;
}

export interface Workspace {
  id: number;
  name: string;
  member_count: number;
  admin_count: number;
}

// ---------------------------------------------------------------------------------------------
// Projects, labels, cycles

export interface Project {
  id: number;
  key: string;
  name: string;
  description: string;
  lead: User | null;
  archived: boolean;
  member_count: number;
  issue_count: number;
  open_issue_count: number;
  active_cycle_id: number | null;
  created_at: Instant;
  /** Whether the signed-in user belongs to the project. */
  is_member: boolean;
  /** Whether the signed-in user may create and edit issues here. */
  can_edit_issues: boolean;
  /** Whether the signed-in user may edit the project and its members (admin or lead). */
  can_manage: boolean;
}

export interface Label {
  id: number;
  name: string;
  color: LabelColor;
  issue_count: number;
}

export interface Cycle {
  id: number;
  project_key: string;
  number: number;
  name: string;
  starts_on: CalendarDate;
  ends_on: CalendarDate;
  status: CycleStatus;
  completed_at: Instant | null;
  issue_count: number;
  done_count: number;
  total_points: number;
  done_points: number;
  /** done_points / total_points as a whole percent (0 when there are no points). */
  progress: number;
  /** Issues added to or removed from the cycle after it started. */
  scope_changes: number;
}

export interface CycleDetail extends Cycle {
  issues: IssueSummary[];
}

// ---------------------------------------------------------------------------------------------
// Issues

export interface IssueRef {
  key: string;
  title: string;
  status: Status;
  project_key: string;
}

export interface IssueSummary {
  id: number;
  key: string;
  number: number;
  project_key: string;
  title: string;
  status: Status;
  priority: Priority;
  assignee: User | null;
  labels: Label[];
  estimate: number | null;
  due_date: CalendarDate | null;
  cycle_id: number | null;
  parent_key: string | null;
  sort_order: number;
  comment_count: number;
  sub_issue_count: number;
  sub_issue_done_count: number;
  /** Open and due before today in the viewer's time zone. */
  overdue: boolean;
  /** Has at least one open blocker. */
  blocked: boolean;
  created_at: Instant;
  updated_at: Instant;
  completed_at: Instant | null;
}

export interface Relation {
  id: number;
  /** Seen from the issue that lists it: "blocks" means this issue blocks `issue`. */
  type: RelationType;
  issue: IssueRef;
}

export interface Issue extends IssueSummary {
  description: string;
  created_by: User;
  cycle: { id: number; name: string; status: CycleStatus } | null;
  parent: IssueRef | null;
  sub_issues: IssueSummary[];
  relations: Relation[];
  subscribed: boolean;
  can_edit: boolean;
  can_delete: boolean;
}

export interface Comment {
  id: number;
  issue_key: string;
  author: User;
  body: string;
  created_at: Instant;
  updated_at: Instant;
  edited: boolean;
  can_edit: boolean;
  can_delete: boolean;
}

export type ActivityField =
  | 'created'
  | 'title'
  | 'description'
  | 'status'
  | 'priority'
  | 'assignee'
  | 'labels'
  | 'estimate'
  | 'due_date'
  | 'cycle'
  | 'parent'
  | 'relation';

/** One change to an issue; `from`/`to` are display values (names, not ids), null when empty. */
export interface ActivityEntry {
  id: number;
  issue_key: string;
  actor: User;
  field: ActivityField;
  from: string | null;
  to: string | null;
  created_at: Instant;
}

// ---------------------------------------------------------------------------------------------
// Notifications, views, search

export interface Notification {
  id: number;
  type: NotificationType;
  issue: IssueRef;
  actor: User;
  comment_id: number | null;
  /** Short extra text: the new status, or an excerpt of the comment. */
  detail: string | null;
  read: boolean;
  created_at: Instant;
}

export interface UnreadCount {
  count: number;
}

export interface SavedView {
  id: number;
  name: string;
  /** The list URL's query string without "?", e.g. "status=todo&priority=high". */
  query: string;
  /** The project the view lists, or null for "My issues". */
  project_key: string | null;
  created_at: Instant;
}

export type SearchField = 'key' | 'title' | 'description' | 'comment';

export interface SearchHit {
  field: SearchField;
  /** Plain text (never HTML): the whole title, or an excerpt around the match. */
  snippet: string;
  /** [start, end) offsets into `snippet` of each match, in order, not overlapping. */
  ranges: Array<[number, number]>;
  comment_id: number | null;
}

export interface SearchResult {
  issue: IssueRef;
  hits: SearchHit[];
}

export interface SearchResponse {
  query: string;
  results: SearchResult[];
}

// ---------------------------------------------------------------------------------------------
// Requests and responses

export interface HealthResponse {
  ok: true;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface LoginResponse {
  token: string;
  user: Me;
}

export interface UpdateMeRequest {
  name?: string;
  time_zone?: string;
  notification_prefs?: Partial<NotificationPrefs>;
}

export interface UpdateMemberRequest {
  role: Role;
}

export interface UpdateWorkspaceRequest {
  name: string;
}

export interface CreateProjectRequest {
  /** 2-5 capital letters, unique. */
  key: string;
  name: string;
  description?: string;
  lead_id?: number | null;
}

export interface UpdateProjectRequest {
  name?: string;
  description?: string;
  lead_id?: number | null;
  archived?: boolean;
}

export interface AddProjectMemberRequest {
  user_id: number;
}

/** Query of GET /projects/:key/issues and GET /my-issues (all optional; lists are comma-separated). */
export interface IssueListQuery {
  status?: string;
  /** User ids, "me" or "none". */
  assignee?: string;
  /** Label ids: an issue matches when it has any of them. */
  label?: string;
  priority?: string;
  /** "true": only open issues due before today. */
  overdue?: string;
  /** A cycle id, "active" or "none". */
  cycle?: string;
  sort?: IssueSort;
  /** Pages come ordered by the group first, so groups never interleave. */
  group?: IssueGroup;
  cursor?: string;
  limit?: string;
}

export interface CreateIssueRequest {
  title: string;
  description?: string;
  status?: Status;
  priority?: Priority;
  assignee_id?: number | null;
  label_ids?: number[];
  estimate?: number | null;
  due_date?: CalendarDate | null;
  cycle_id?: number | null;
  parent_key?: string | null;
}

export interface UpdateIssueRequest {
  title?: string;
  description?: string;
  status?: Status;
  priority?: Priority;
  assignee_id?: number | null;
  label_ids?: number[];
  estimate?: number | null;
  due_date?: CalendarDate | null;
  cycle_id?: number | null;
  parent_key?: string | null;
}

/** Put the issue in `status`, just before the issue `before` or just after the issue `after`
 * (keys of issues in that column); neither: at the end of the column. */
export interface MoveIssueRequest {
  status: Status;
  before?: string;
  after?: string;
}

export interface CreateRelationRequest {
  type: RelationType;
  issue_key: string;
}

/** Answer of POST and DELETE /issues/:key/subscription (follow / unfollow an issue). */
export interface SubscriptionResponse {
  subscribed: boolean;
}

export interface CreateCommentRequest {
  body: string;
}

export interface UpdateCommentRequest {
  body: string;
}

export interface CreateCycleRequest {
  name?: string;
  starts_on: CalendarDate;
  ends_on: CalendarDate;
}

export interface UpdateCycleRequest {
  name?: string;
  starts_on?: CalendarDate;
  ends_on?: CalendarDate;
}

export interface CompleteCycleResponse {
  cycle: Cycle;
  /** Where the unfinished issues went (null: out of any cycle). */
  next_cycle: Cycle | null;
  moved_count: number;
}

export interface CreateLabelRequest {
  name: string;
  color: LabelColor;
}

export interface UpdateLabelRequest {
  name?: string;
  color?: LabelColor;
}

export interface CreateViewRequest {
  name: string;
  query: string;
  project_key?: string | null;
}
