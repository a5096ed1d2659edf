// Glue between express and the domain: handlers return data (sent as JSON), writes run in a
// transaction and are saved to disk, and zod schemas turn bad input into 400s naming the field.

import type { Request, RequestHandler, Response } from 'express';
import type { ZodError, ZodType, ZodTypeDef } from 'zod';
import type { Db } from './db';
import { HttpError, badRequest, notFound } from './errors';

type HandlerResult = unknown;

/** A read: the handler's result is the JSON body. */
export function read(fn: (req: Request, res: Response) => HandlerResult): RequestHandler {
  return (req, res, next) => {
    try {
      const result = fn(req, res);
      if (!res.headersSent) res.json(result ?? { ok: true });
    } catch (error) {
      next(error);
    }
  };
}

/** A write: runs in one transaction, then the database is saved. Undefined answers {"ok": true}. */
export function write(db: Db, fn: (req: Request, res: Response) => HandlerResult, status = 200): RequestHandler {
  return (req, res, next) => {
    try {
      const result = db.transaction(() => fn(req, res));
      db.persist();
      res.status(status).json(result ?? { ok: true });
    } catch (error) {
      next(error);
    }
  };
}

function describeZodError(error: ZodError): HttpError {
  const issue = error.issues[0];
  const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
  const where = issue.path.join('.');
  let message = issue.message;
  if (issue.code === 'invalid_type' && issue.received === 'undefined') {
    message = `${where || 'value'} is required`;
  } else if (where && !message.toLowerCase().includes(field ?? '')) {
    message = `${where}: ${message}`;
  }
  return badRequest(message, field);
}

export function parseWith<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw describeZodError(result.error);
  return result.data;
}

export const parseBody = <T>(schema: ZodType<T, ZodTypeDef, unknown>, req: Request): T => parseWith(schema, req.body);
export const parseQuery = <T>(schema: ZodType<T, ZodTypeDef, unknown>, req: Request): T => parseWith(schema, req.query);

/** A positive integer route parameter (":id"); anything else is a 404 of `what`. */
export function idParam(req: Request, name: string, what: string): number {
  const text = req.params[name] ?? '';
  if (!/^\d{1,9}$/.test(text)) throw notFound(what);
  return Number(text);
}
