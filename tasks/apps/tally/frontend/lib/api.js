import { getToken, signOut } from '../state/session.js';
import { navigate } from './router.js';

export class ApiError extends Error {
  constructor(message, { status = 0, field = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.field = field;
  }
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Call the JSON API. Resolves with the parsed body, rejects with an ApiError whose
 * `field` names the offending input when the server reported one.
 */
export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(`/api${path}`, init);
  } catch {
    throw new ApiError('Could not reach Tally. Check your connection and try again.');
  }

  const data = await readBody(response);
  if (!response.ok) {
    if (response.status === 401 && token) {
      signOut();
      navigate('/login', { replace: true });
    }
    const message = data?.error ?? `Request failed (${response.status})`;
    throw new ApiError(message, { status: response.status, field: data?.field ?? null });
  }
  return data;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body = {}) => request('POST', path, body),
  patch: (path, body) => request('PATCH', path, body),
  delete: (path) => request('DELETE', path),
};

export const Session = {
  login: (email, password) => api.post('/login', { email, password }),
  logout: () => api.post('/logout'),
};

export const Workspaces = {
  list: () => api.get('/workspaces'),
  get: (id) => api.get(`/workspaces/${id}`),
  update: (id, changes) => api.patch(`/workspaces/${id}`, changes),
  addMember: (id, email, role) => api.post(`/workspaces/${id}/members`, { email, role }),
  setMemberRole: (id, userId, role) => api.patch(`/workspaces/${id}/members/${userId}`, { role }),
  removeMember: (id, userId) => api.delete(`/workspaces/${id}/members/${userId}`),
  addCategory: (id, name) => api.post(`/workspaces/${id}/categories`, { name }),
  updateCategory: (categoryId, changes) => api.patch(`/categories/${categoryId}`, changes),
  deleteCategory: (categoryId) => api.delete(`/categories/${categoryId}`),
  reports: (id, status) => api.get(`/workspaces/${id}/reports${status ? `?status=${status}` : ''}`),
  createReport: (id, title) => api.post(`/workspaces/${id}/reports`, { title }),
};

export const Reports = {
  get: (id) => api.get(`/reports/${id}`),
  rename: (id, title) => api.patch(`/reports/${id}`, { title }),
  submit: (id) => api.post(`/reports/${id}/submit`),
  approve: (id) => api.post(`/reports/${id}/approve`),
  reject: (id, reason) => api.post(`/reports/${id}/reject`, { reason }),
  reopen: (id) => api.post(`/reports/${id}/reopen`),
  addExpense: (id, expense) => api.post(`/reports/${id}/expenses`, expense),
  updateExpense: (expenseId, expense) => api.patch(`/expenses/${expenseId}`, expense),
  deleteExpense: (expenseId) => api.delete(`/expenses/${expenseId}`),
  attachReceipt: (expenseId, filename) => api.post(`/expenses/${expenseId}/receipt`, { filename }),
  removeReceipt: (expenseId) => api.delete(`/expenses/${expenseId}/receipt`),
};

export const Chat = {
  room: (roomId) => api.get(`/rooms/${roomId}`),
  messages: (roomId, afterId = 0) => api.get(`/rooms/${roomId}/messages?after=${afterId}`),
  send: (roomId, body) => api.post(`/rooms/${roomId}/messages`, { body }),
  createSplit: (roomId, split) => api.post(`/rooms/${roomId}/splits`, split),
  split: (splitId) => api.get(`/splits/${splitId}`),
};

export const Search = {
  query: (q) => api.get(`/search?q=${encodeURIComponent(q)}`),
};
