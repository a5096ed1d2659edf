// Signing in and out, and the signed-in user's profile.

import { Router } from 'express';
import type { LoginResponse, Me } from '../../../shared/api';
import { checkCredentials, createSession, deleteSession, viewerOf } from '../auth';
import type { Db } from '../db';
import { getMe, updateMe } from '../domain/users';
import { unauthorized } from '../errors';
import { parseBody, read, write } from '../http';
import { loginSchema, updateMeSchema } from '../validation';

/** POST /login: the only session route that works signed out. */
export function loginRoutes(db: Db): Router {
  const router = Router();
  router.post(
    '/login',
    write(db, (req): LoginResponse => {
      const { email, password } = parseBody(loginSchema, req);
      const userId = checkCredentials(db, email, password);
      if (userId === null) throw unauthorized('Wrong email or password');
      return { token: createSession(db, userId), user: getMe(db, userId) };
    }),
  );
  return router;
}

export function sessionRoutes(db: Db): Router {
  const router = Router();

  router.post(
    '/logout',
    write(db, (req) => {
      if (req.token) deleteSession(db, req.token);
    }),
  );

  router.get(
    '/me',
    read((req): Me => getMe(db, viewerOf(req).id)),
  );

  router.patch(
    '/me',
    write(db, (req): Me => updateMe(db, viewerOf(req), parseBody(updateMeSchema, req))),
  );

  return router;
}
