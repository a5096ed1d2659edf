import type {
  ActivityEntry,
  Comment,
  CompleteCycleResponse,
  CreateCommentRequest,
  CreateCycleRequest,
  CreateIssueRequest,
  CreateLabelRequest,
  CreateProjectRequest,
  CreateRelationRequest,
  CreateViewRequest,
  Cycle,
  CycleDetail,
  Issue,
  IssueListQuery,
  IssueSummary,
  Label,
  ListPage,
  LoginResponse,
  Me,
  Member,
  MoveIssueRequest,
  Notification,
  OkResponse,
  Project,
  ProjectMember,
  Role,
  SavedView,
  SearchResponse,
  UnreadCount,
  UpdateCommentRequest,
  UpdateCycleRequest,
  UpdateIssueRequest,
  UpdateLabelRequest,
  UpdateMeRequest,
  UpdateProjectRequest,
  UpdateWorkspaceRequest,
  Workspace,
} from '../../shared/api';
import { getToken, signOut } from './lib/session';

export class ApiError extends Error {
  readonly status: number;
  readonly field: string | null;

  constructor(message: string, status = 0, field: string | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.field = field;
  }
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409;
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('Could not reach Board. Check your connection and try again.');
  }
  if (!response.ok) {
    let data: { error?: string; field?: string } = {};
    try {
      data = (await response.json()) as typeof data;
    } catch {
      // not JSON: keep the generic message
    }
    // a rejected token (expired, signed out elsewhere) brings the login form back
    if (response.status === 401 && token) signOut();
    throw new ApiError(data.error ?? `Request failed (${response.status})`, response.status, data.field ?? null);
  }
  return response;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  const text = await response.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** `?a=1&b=2` for the defined, non-empty entries of `params`, or '' when there are none. */
export function queryString(params: object): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const enc = encodeURIComponent;

export const api = {
  login: (email: string, password: string) => request<LoginResponse>('POST', '/login', { email, password }),
  logout: () => request<OkResponse>('POST', '/logout'),
  me: () => request<Me>('GET', '/me'),
  updateMe: (changes: UpdateMeRequest) => request<Me>('PATCH', '/me', changes),

  members: () => request<Member[]>('GET', '/members'),
  updateMember: (userId: number, role: Role) => request<Member>('PATCH', `/members/${userId}`, { role }),
  removeMember: (userId: number) => request<OkResponse>('DELETE', `/members/${userId}`),
  workspace: () => request<Workspace>('GET', '/workspace'),
  updateWorkspace: (changes: UpdateWorkspaceRequest) => request<Workspace>('PATCH', '/workspace', changes),

  projects: () => request<Project[]>('GET', '/projects'),
  project: (key: string) => request<Project>('GET', `/projects/${enc(key)}`),
  createProject: (project: CreateProjectRequest) => request<Project>('POST', '/projects', project),
  updateProject: (key: string, changes: UpdateProjectRequest) =>
    request<Project>('PATCH', `/projects/${enc(key)}`, changes),
  projectMembers: (key: string) => request<ProjectMember[]>('GET', `/projects/${enc(key)}/members`),
  /** The CSV needs the bearer token, so it is fetched and handed to the browser as a Blob. */
  exportCsv: async (key: string) => (await send('GET', `/projects/${enc(key)}/export.csv`)).blob(),

  issues: (projectKey: string, query: IssueListQuery) =>
    request<ListPage<IssueSummary>>('GET', `/projects/${enc(projectKey)}/issues${queryString(query)}`),
  myIssues: (query: IssueListQuery) => request<ListPage<IssueSummary>>('GET', `/my-issues${queryString(query)}`),
  createIssue: (projectKey: string, issue: CreateIssueRequest) =>
    request<Issue>('POST', `/projects/${enc(projectKey)}/issues`, issue),
  issue: (key: string) => request<Issue>('GET', `/issues/${enc(key)}`),
  updateIssue: (key: string, changes: UpdateIssueRequest) => request<Issue>('PATCH', `/issues/${enc(key)}`, changes),
  deleteIssue: (key: string) => request<OkResponse>('DELETE', `/issues/${enc(key)}`),
  moveIssue: (key: string, move: MoveIssueRequest) => request<Issue>('POST', `/issues/${enc(key)}/move`, move),
  activity: (key: string) => request<ActivityEntry[]>('GET', `/issues/${enc(key)}/activity`),
  addRelation: (key: string, relation: CreateRelationRequest) =>
    request<Issue>('POST', `/issues/${enc(key)}/relations`, relation),
  removeRelation: (key: string, relationId: number) =>
    request<Issue>('DELETE', `/issues/${enc(key)}/relations/${relationId}`),

  comments: (key: string) => request<Comment[]>('GET', `/issues/${enc(key)}/comments`),
  addComment: (key: string, comment: CreateCommentRequest) =>
    request<Comment>('POST', `/issues/${enc(key)}/comments`, comment),
  updateComment: (id: number, changes: UpdateCommentRequest) => request<Comment>('PATCH', `/comments/${id}`, changes),
  deleteComment: (id: number) => request<OkResponse>('DELETE', `/comments/${id}`),

  cycles: (projectKey: string) => request<Cycle[]>('GET', `/projects/${enc(projectKey)}/cycles`),
  createCycle: (projectKey: string, cycle: CreateCycleRequest) =>
    request<Cycle>('POST', `/projects/${enc(projectKey)}/cycles`, cycle),
  cycle: (id: number) => request<CycleDetail>('GET', `/cycles/${id}`),
  updateCycle: (id: number, changes: UpdateCycleRequest) => request<Cycle>('PATCH', `/cycles/${id}`, changes),
  completeCycle: (id: number) => request<CompleteCycleResponse>('POST', `/cycles/${id}/complete`),

  labels: () => request<Label[]>('GET', '/labels'),
  createLabel: (label: CreateLabelRequest) => request<Label>('POST', '/labels', label),
  updateLabel: (id: number, changes: UpdateLabelRequest) => request<Label>('PATCH', `/labels/${id}`, changes),
  deleteLabel: (id: number) => request<OkResponse>('DELETE', `/labels/${id}`),

  notifications: (cursor?: string | null) =>
    request<ListPage<Notification>>('GET', `/notifications${queryString({ cursor })}`),
  markRead: (id: number) => request<UnreadCount>('POST', `/notifications/${id}/read`),
  markAllRead: () => request<UnreadCount>('POST', '/notifications/read-all'),
  unreadCount: () => request<UnreadCount>('GET', '/notifications/unread-count'),

  search: (q: string) => request<SearchResponse>('GET', `/search${queryString({ q })}`),
  views: () => request<SavedView[]>('GET', '/views'),
  createView: (view: CreateViewRequest) => request<SavedView>('POST', '/views', view),
  deleteView: (id: number) => request<OkResponse>('DELETE', `/views/${id}`),
};
