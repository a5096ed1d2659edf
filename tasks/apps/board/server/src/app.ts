// The express app: the JSON API under /api, the frontend bundle under /dist, and index.html for
// every other path (the client routes by itself).

import path from 'node:path';
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import type { ApiError } from '../../shared/api';
import { requireSession } from './auth';
import type { Db } from './db';
import { HttpError, notFound } from './errors';
import { issueRoutes } from './routes/issues';
import { inboxRoutes } from './routes/inbox';
import { peopleRoutes } from './routes/people';
import { planningRoutes } from './routes/planning';
import { projectRoutes } from './routes/projects';
import { loginRoutes, sessionRoutes } from './routes/session';
import { systemRoutes } from './routes/system';

export interface AppOptions {
  db: Db;
  /** Drops the data and recreates the seeded database. */
  reset: () => Promise<void>;
  verbose: boolean;
  frontendDir?: string;
}

const DEFAULT_FRONTEND_DIR = path.resolve(__dirname, '../../frontend');

function requestLogger(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`${req.method} ${req.originalUrl} ${res.statusCode} ${ms.toFixed(1)}ms`);
  });
  next();
}

const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  let status = 500;
  let body: ApiError = { error: 'Something went wrong on the server' };
  if (error instanceof HttpError) {
    status = error.status;
    body = error.field ? { error: error.message, field: error.field } : { error: error.message };
  } else if (error?.type === 'entity.parse.failed') {
    status = 400;
    body = { error: 'The request body is not valid JSON' };
  } else if (error?.type === 'entity.too.large') {
    status = 413;
    body = { error: 'The request body is too large' };
  } else if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) {
    status = error.status;
    body = { error: status === 404 ? 'Not found' : String(error.message ?? 'Bad request') };
  } else {
    console.error(error);
  }
  if (res.headersSent) return;
  res.status(status).json(body);
};

export function createApp(options: AppOptions): express.Express {
  const { db, reset, verbose } = options;
  const frontendDir = options.frontendDir ?? DEFAULT_FRONTEND_DIR;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (verbose) app.use(requestLogger);

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(systemRoutes(reset));
  api.use(loginRoutes(db));
  api.use(requireSession(db));
  api.use(sessionRoutes(db));
  api.use(peopleRoutes(db));
  api.use(projectRoutes(db));
  api.use(issueRoutes(db));
  api.use(planningRoutes(db));
  api.use(inboxRoutes(db));
  api.use((req, _res, next) => next(notFound(`${req.method} ${req.path}`)));
  app.use('/api', api);

  app.use('/dist', express.static(path.join(frontendDir, 'dist'), { index: false, fallthrough: false }));

  app.get('*', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(path.join(frontendDir, 'index.html'), (error) => {
      if (error) next(error);
    });
  });

  app.use((_req, _res, next) => next(notFound('Page')));
  app.use(errorHandler);
  return app;
}
