// Cycles by id, and labels.

import { Router } from 'express';
import type { CompleteCycleResponse, Cycle, CycleDetail, Label } from '../../../shared/api';
import { viewerOf } from '../auth';
import type { Db } from '../db';
import { completeCycle, getCycleDetail, updateCycle } from '../domain/cycles';
import { createLabel, deleteLabel, listLabels, updateLabel } from '../domain/labels';
import { idParam, parseBody, read, write } from '../http';
import { createLabelSchema, updateCycleSchema, updateLabelSchema } from '../validation';

export function planningRoutes(db: Db): Router {
  const router = Router();

  router.get('/cycles/:id', read((req): CycleDetail => getCycleDetail(db, viewerOf(req), idParam(req, 'id', 'Cycle'))));

  router.patch(
    '/cycles/:id',
    write(db, (req): Cycle => updateCycle(db, viewerOf(req), idParam(req, 'id', 'Cycle'), parseBody(updateCycleSchema, req))),
  );

  router.post(
    '/cycles/:id/complete',
    write(db, (req): CompleteCycleResponse => completeCycle(db, viewerOf(req), idParam(req, 'id', 'Cycle'))),
  );

  router.get('/labels', read((): Label[] => listLabels(db)));

  router.post(
    '/labels',
    write(db, (req): Label => createLabel(db, viewerOf(req), parseBody(createLabelSchema, req)), 201),
  );

  router.patch(
    '/labels/:id',
    write(db, (req): Label => updateLabel(db, viewerOf(req), idParam(req, 'id', 'Label'), parseBody(updateLabelSchema, req))),
  );

  router.delete(
    '/labels/:id',
    write(db, (req) => deleteLabel(db, viewerOf(req), idParam(req, 'id', 'Label'))),
  );

  return router;
}
