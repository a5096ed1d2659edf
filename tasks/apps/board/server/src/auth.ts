// Passwords, bearer-token sessions, and the middleware that signs requests in.

import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Role } from '../../shared/api';
import { nowIso } from './clock';
import type { Db } from './db';
import { unauthorized } from './errors';

/** The signed-in user, as the rules need it. */
export interface Viewer {
  id: number;
  name: string;
  handle: string;
  email: string;
  role: Role;
  timeZone: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      viewer?: Viewer;
      token?: string;
    }
  }
}

const KEY_LENGTH = 32;

/** "scrypt$<salt hex>$<hash hex>" */
export function hashPassword(password: string, salt = crypto.randomBytes(16).toString('hex')): string {
  const hash = crypto.scryptSync(password, salt, KEY_LENGTH).toString('hex');
  return `scrypt$${salt}$${hash}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'hex');
  const actual = crypto.scryptSync(password, salt, expected.length);
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

interface ViewerRow {
  id: number;
  name: string;
  handle: string;
  email: string;
  role: Role;
  time_zone: string;
}

const VIEWER_SELECT = `
  SELECT u.id, u.name, u.handle, u.email, wm.role, u.time_zone
  FROM users u JOIN workspace_members wm ON wm.user_id = u.id`;

function toViewer(row: ViewerRow): Viewer {
  return { id: row.id, name: row.name, handle: row.handle, email: row.email, role: row.role, timeZone: row.time_zone };
}

/** Checks the credentials; returns the user's id, or null. Removed members cannot sign in. */
export function checkCredentials(db: Db, email: string, password: string): number | null {
  const row = db.get<{ id: number; password_hash: string }>(
    `SELECT u.id, u.password_hash FROM users u JOIN workspace_members wm ON wm.user_id = u.id
     WHERE u.email = ? COLLATE NOCASE`,
    [email.trim()],
  );
  if (!row || !verifyPassword(password, row.password_hash)) return null;
  return row.id;
}

export function createSession(db: Db, userId: number): string {
  const token = crypto.randomBytes(24).toString('base64url');
  db.run('INSERT INTO sessions (token, user_id, created_at) VALUES (?, ?, ?)', [token, userId, nowIso()]);
  return token;
}

export function deleteSession(db: Db, token: string): void {
  db.run('DELETE FROM sessions WHERE token = ?', [token]);
}

export function loadViewer(db: Db, userId: number): Viewer | undefined {
  const row = db.get<ViewerRow>(`${VIEWER_SELECT} WHERE u.id = ?`, [userId]);
  return row && toViewer(row);
}

function bearerToken(req: Request): string | null {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : null;
}

/** Express middleware: 401 unless the request carries the token of a live session. */
export function requireSession(db: Db) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    if (!token) return next(unauthorized());
    const row = db.get<ViewerRow>(`${VIEWER_SELECT} JOIN sessions s ON s.user_id = u.id WHERE s.token = ?`, [token]);
    if (!row) return next(unauthorized('Your session has expired: sign in again'));
    req.viewer = toViewer(row);
    req.token = token;
    next();
  };
}

/** The signed-in user of a request that went through requireSession. */
export function viewerOf(req: Request): Viewer {
  if (!req.viewer) throw unauthorized();
  return req.viewer;
}
