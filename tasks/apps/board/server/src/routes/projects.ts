// Projects, their members, their issue lists, their cycles and the CSV export.

import { Router } from 'express';
import type { Cycle, Issue, IssueSummary, ListPage, Project, ProjectMember } from '../../../shared/api';
import { DEFAULT_ISSUE_SORT } from '../../../shared/api';
import { viewerOf } from '../auth';
import type { Db } from '../db';
import { exportProjectCsv } from '../domain/csv';
import { createCycle, listCycles } from '../domain/cycles';
import { queryIssues } from '../domain/issueList';
import { createIssue } from '../domain/issues';
import {
  addProjectMember,
  createProject,
  listProjectMembers,
  listProjects,
  removeProjectMember,
  toProject,
  updateProject,
  visibleProject,
} from '../domain/projects';
import { idParam, parseBody, parseQuery, read, write } from '../http';
import {
  addProjectMemberSchema,
  createCycleSchema,
  createIssueSchema,
  createProjectSchema,
  issueListQuerySchema,
  toIssueFilters,
  updateProjectSchema,
} from '../validation';

export function projectRoutes(db: Db): Router {
  const router = Router();

  router.get('/projects', read((req): Project[] => listProjects(db, viewerOf(req))));

  router.post(
    '/projects',
    write(db, (req): Project => createProject(db, viewerOf(req), parseBody(createProjectSchema, req)), 201),
  );

  router.get(
    '/projects/:key',
    read((req): Project => {
      const viewer = viewerOf(req);
      return toProject(db, viewer, visibleProject(db, viewer, req.params.key));
    }),
  );

  router.patch(
    '/projects/:key',
    write(db, (req): Project => updateProject(db, viewerOf(req), req.params.key, parseBody(updateProjectSchema, req))),
  );

  router.get(
    '/projects/:key/members',
    read((req): ProjectMember[] => listProjectMembers(db, viewerOf(req), req.params.key)),
  );

  router.post(
    '/projects/:key/members',
    write(
      db,
      (req): ProjectMember[] => addProjectMember(db, viewerOf(req), req.params.key, parseBody(addProjectMemberSchema, req).user_id),
      201,
    ),
  );

  router.delete(
    '/projects/:key/members/:userId',
    write(db, (req): ProjectMember[] => removeProjectMember(db, viewerOf(req), req.params.key, idParam(req, 'userId', 'Project member'))),
  );

  router.get(
    '/projects/:key/issues',
    read((req): ListPage<IssueSummary> => {
      const viewer = viewerOf(req);
      const project = visibleProject(db, viewer, req.params.key);
      const filters = toIssueFilters(parseQuery(issueListQuerySchema, req), DEFAULT_ISSUE_SORT);
      return queryIssues(db, viewer, { projectId: project.id }, filters);
    }),
  );

  router.post(
    '/projects/:key/issues',
    write(db, (req): Issue => createIssue(db, viewerOf(req), req.params.key, parseBody(createIssueSchema, req)), 201),
  );

  router.get('/projects/:key/cycles', read((req): Cycle[] => listCycles(db, viewerOf(req), req.params.key)));

  router.post(
    '/projects/:key/cycles',
    write(db, (req): Cycle => createCycle(db, viewerOf(req), req.params.key, parseBody(createCycleSchema, req)), 201),
  );

  router.get(
    '/projects/:key/export.csv',
    read((req, res) => {
      const { filename, body } = exportProjectCsv(db, viewerOf(req), req.params.key);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
      res.send(body);
    }),
  );

  return router;
}
