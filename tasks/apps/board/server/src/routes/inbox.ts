// Notifications, saved views and search.

import { Router } from 'express';
import type { ListPage, Notification, SavedView, SearchResponse, UnreadCount } from '../../../shared/api';
import { PAGE_SIZE } from '../../../shared/api';
import { viewerOf } from '../auth';
import type { Db } from '../db';
import { listNotifications, markAllRead, markRead, unreadCount } from '../domain/notifications';
import { search } from '../domain/search';
import { createView, deleteView, listViews } from '../domain/views';
import { idParam, parseBody, parseQuery, read, write } from '../http';
import { createViewSchema, notificationQuerySchema, searchQuerySchema } from '../validation';

export function inboxRoutes(db: Db): Router {
  const router = Router();

  router.get(
    '/notifications',
    read((req): ListPage<Notification> => {
      const query = parseQuery(notificationQuerySchema, req);
      return listNotifications(db, viewerOf(req), {
        unreadOnly: query.unread === 'true' || query.unread === '1',
        cursor: query.cursor,
        limit: query.limit ?? PAGE_SIZE,
      });
    }),
  );

  router.get('/notifications/unread-count', read((req): UnreadCount => ({ count: unreadCount(db, viewerOf(req)) })));

  router.post(
    '/notifications/read-all',
    write(db, (req): UnreadCount => {
      markAllRead(db, viewerOf(req));
      return { count: 0 };
    }),
  );

  router.post(
    '/notifications/:id/read',
    write(db, (req): UnreadCount => {
      const viewer = viewerOf(req);
      markRead(db, viewer, idParam(req, 'id', 'Notification'));
      return { count: unreadCount(db, viewer) };
    }),
  );

  router.get('/views', read((req): SavedView[] => listViews(db, viewerOf(req))));

  router.post(
    '/views',
    write(db, (req): SavedView => createView(db, viewerOf(req), parseBody(createViewSchema, req)), 201),
  );

  router.delete(
    '/views/:id',
    write(db, (req) => deleteView(db, viewerOf(req), idParam(req, 'id', 'View'))),
  );

  router.get(
    '/search',
    read((req): SearchResponse => search(db, viewerOf(req), parseQuery(searchQuerySchema, req).q ?? '')),
  );

  return router;
}
