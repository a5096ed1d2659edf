// Issues: detail, edits, board moves, relations, comments and history; and "My issues".

import { Router } from 'express';
import type { ActivityEntry, Comment, Issue, IssueSummary, ListPage, SubscriptionResponse } from '../../../shared/api';
import { viewerOf } from '../auth';
import type { Db } from '../db';
import { listActivity } from '../domain/activity';
import { createComment, deleteComment, listComments, updateComment } from '../domain/comments';
import { issueKey, queryIssues } from '../domain/issueList';
import { subscribe, unsubscribe } from '../domain/notifications';
import { addRelation, deleteIssue, getIssue, moveIssue, removeRelation, updateIssue, visibleIssue } from '../domain/issues';
import { idParam, parseBody, parseQuery, read, write } from '../http';
import {
  commentSchema,
  createRelationSchema,
  issueListQuerySchema,
  moveIssueSchema,
  toIssueFilters,
  updateIssueSchema,
} from '../validation';

export function issueRoutes(db: Db): Router {
  const router = Router();

  router.get(
    '/my-issues',
    read((req): ListPage<IssueSummary> => {
      const viewer = viewerOf(req);
      const filters = toIssueFilters(parseQuery(issueListQuerySchema, req), 'updated');
      return queryIssues(db, viewer, { assigneeId: viewer.id }, filters);
    }),
  );

  router.get('/issues/:key', read((req): Issue => getIssue(db, viewerOf(req), req.params.key)));

  router.patch(
    '/issues/:key',
    write(db, (req): Issue => updateIssue(db, viewerOf(req), req.params.key, parseBody(updateIssueSchema, req))),
  );

  router.delete(
    '/issues/:key',
    write(db, (req) => deleteIssue(db, viewerOf(req), req.params.key)),
  );

  router.post(
    '/issues/:key/move',
    write(db, (req): Issue => moveIssue(db, viewerOf(req), req.params.key, parseBody(moveIssueSchema, req))),
  );

  router.get(
    '/issues/:key/activity',
    read((req): ActivityEntry[] => {
      const { issue } = visibleIssue(db, viewerOf(req), req.params.key);
      return listActivity(db, issue.id, issueKey(issue));
    }),
  );

  router.post(
    '/issues/:key/relations',
    write(db, (req): Issue => addRelation(db, viewerOf(req), req.params.key, parseBody(createRelationSchema, req)), 201),
  );

  router.delete(
    '/issues/:key/relations/:id',
    write(db, (req): Issue => removeRelation(db, viewerOf(req), req.params.key, idParam(req, 'id', 'Relation'))),
  );

  router.post(
    '/issues/:key/subscription',
    write(db, (req): SubscriptionResponse => {
      const viewer = viewerOf(req);
      const { issue } = visibleIssue(db, viewer, req.params.key);
      subscribe(db, issue.id, viewer.id);
      return { subscribed: true };
    }),
  );

  router.delete(
    '/issues/:key/subscription',
    write(db, (req): SubscriptionResponse => {
      const viewer = viewerOf(req);
      const { issue } = visibleIssue(db, viewer, req.params.key);
      unsubscribe(db, issue.id, viewer.id);
      return { subscribed: false };
    }),
  );

  router.get('/issues/:key/comments', read((req): Comment[] => listComments(db, viewerOf(req), req.params.key)));

  router.post(
    '/issues/:key/comments',
    write(db, (req): Comment => createComment(db, viewerOf(req), req.params.key, parseBody(commentSchema, req).body), 201),
  );

  router.patch(
    '/comments/:id',
    write(db, (req): Comment => updateComment(db, viewerOf(req), idParam(req, 'id', 'Comment'), parseBody(commentSchema, req).body)),
  );

  router.delete(
    '/comments/:id',
    write(db, (req) => deleteComment(db, viewerOf(req), idParam(req, 'id', 'Comment'))),
  );

  return router;
}
