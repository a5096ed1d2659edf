import type {
  Agent,
  Customer,
  NewTicket,
  SearchResult,
  Settings,
  Status,
  Ticket,
  TicketChanges,
  TicketDetail,
  User,
  ViewCount,
} from '../types';
import { getToken, signOut } from './session';

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

/** Calls the JSON API; rejects with an ApiError naming the offending field, if any. */
async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
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
    throw new ApiError('Could not reach Desk. Check your connection and try again.');
  }
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    if (response.status === 401 && token) signOut();
    const error = (data ?? {}) as { error?: string; field?: string };
    throw new ApiError(error.error ?? `Request failed (${response.status})`, response.status, error.field ?? null);
  }
  return data as T;
}

export const Api = {
  login: (email: string, password: string) =>
    request<{ token: string; user: User }>('POST', '/login', { email, password }),
  logout: () => request<unknown>('POST', '/logout', {}),
  me: () => request<{ user: User; company_name: string }>('GET', '/me'),

  views: () => request<{ views: ViewCount[] }>('GET', '/views'),
  tickets: (view: string, tag?: string) =>
    request<{ view: { id: string; name: string }; tickets: Ticket[] }>(
      'GET',
      `/tickets?view=${encodeURIComponent(view)}${tag ? `&tag=${encodeURIComponent(tag)}` : ''}`,
    ),
  ticket: (id: number) => request<TicketDetail>('GET', `/tickets/${id}`),
  createTicket: (ticket: NewTicket) => request<TicketDetail>('POST', '/tickets', ticket),
  updateTicket: (id: number, changes: TicketChanges) => request<TicketDetail>('PATCH', `/tickets/${id}`, changes),
  addComment: (id: number, comment: { body: string; internal: boolean; status?: Status }) =>
    request<{ comment_id: number; ticket: TicketDetail }>('POST', `/tickets/${id}/comments`, comment),
  bulkUpdate: (ids: number[], changes: { status?: Status; assignee_id?: number | null }) =>
    request<{ updated: number[]; skipped: number[] }>('POST', '/tickets/bulk', { ids, ...changes }),
  search: (q: string) => request<{ tickets: SearchResult[] }>('GET', `/search?q=${encodeURIComponent(q)}`),

  agents: () => request<{ agents: Agent[] }>('GET', '/agents'),
  customers: () => request<{ customers: Customer[] }>('GET', '/customers'),
  settings: () => request<Settings>('GET', '/settings'),
  updateSettings: (changes: Partial<Settings>) => request<Settings>('PATCH', '/settings', changes),
};
