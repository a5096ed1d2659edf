export type Role = 'customer' | 'agent' | 'admin';
export type Status = 'open' | 'pending' | 'solved' | 'closed';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface User {
  id: number;
  name: string;
  email: string;
  role: Role;
  organization: string;
}

export interface Ticket {
  id: number;
  subject: string;
  status: Status;
  priority: Priority;
  requester: { id: number; name: string; email: string; organization: string };
  assignee: { id: number; name: string } | null;
  tags: string[];
  created_at: string;
  updated_at: string;
  due_at: string;
  solved_at: string | null;
  overdue: boolean;
  comment_count: number;
}

export interface Comment {
  id: number;
  body: string;
  internal: boolean;
  created_at: string;
  author: { id: number; name: string; role: Role };
}

export interface TicketDetail extends Ticket {
  body: string;
  comments: Comment[];
  permissions: { edit: boolean; reply: boolean; internal_note: boolean; solve: boolean };
}

export interface ViewCount {
  id: string;
  name: string;
  count: number;
}

export interface SearchResult extends Ticket {
  match: 'subject' | 'description' | 'comment';
  snippet: string;
}

export interface Agent {
  id: number;
  name: string;
  email: string;
  role: Role;
}

export interface Customer {
  id: number;
  name: string;
  email: string;
  organization: string;
}

export interface Settings {
  company_name: string;
  sla_hours: Record<Priority, number>;
  default_assignee_id: number | null;
}

export interface TicketChanges {
  subject?: string;
  status?: Status;
  priority?: Priority;
  assignee_id?: number | null;
  tags?: string[];
}

export interface NewTicket {
  subject: string;
  body: string;
  requester_id?: number;
  priority?: Priority;
  assignee_id?: number | null;
  tags?: string[];
}
