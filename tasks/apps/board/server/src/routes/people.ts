// Users, workspace members and roles, and the workspace settings.

import { Router } from 'express';
import type { Member, User, Workspace } from '../../../shared/api';
import { viewerOf } from '../auth';
import type { Db } from '../db';
import { changeRole, getWorkspace, listMembers, listUsers, removeMember, renameWorkspace } from '../domain/users';
import { idParam, parseBody, read, write } from '../http';
import { updateMemberSchema, updateWorkspaceSchema } from '../validation';

export function peopleRoutes(db: Db): Router {
  const router = Router();

  router.get('/users', read((): User[] => listUsers(db)));

  router.get('/members', read((): Member[] => listMembers(db)));

  router.patch(
    '/members/:userId',
    write(db, (req): Member => {
      const { role } = parseBody(updateMemberSchema, req);
      return changeRole(db, viewerOf(req), idParam(req, 'userId', 'Member'), role);
    }),
  );

  router.delete(
    '/members/:userId',
    write(db, (req) => removeMember(db, viewerOf(req), idParam(req, 'userId', 'Member'))),
  );

  router.get('/workspace', read((): Workspace => getWorkspace(db)));

  router.patch(
    '/workspace',
    write(db, (req): Workspace => renameWorkspace(db, viewerOf(req), parseBody(updateWorkspaceSchema, req).name)),
  );

  return router;
}
