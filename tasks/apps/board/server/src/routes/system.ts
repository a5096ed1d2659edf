// GET /api/health, POST /api/dev/reset (no sign-in needed for either).

import { Router } from 'express';
import type { HealthResponse, OkResponse } from '../../../shared/api';

export function systemRoutes(reset: () => Promise<void>): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    const body: HealthResponse = { ok: true };
    res.json(body);
  });

  router.post('/dev/reset', async (_req, res, next) => {
    try {
      await reset();
      const body: OkResponse = { ok: true };
      res.json(body);
    } catch (error) {
      next(error);
    }
  });

  return router;
}
