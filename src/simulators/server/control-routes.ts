// HTTP face of ServerControl under `/__sim/`.
import type { Router } from 'express';
import { z } from 'zod';
import { createControlRouter } from '../shared/control-router.js';
import type { ServerControl } from './control.js';

const assetsSchema = z.object({
  workflows: z.number().int().min(0).optional(),
  schedules: z.number().int().min(0).optional(),
  collections: z.number().int().min(0).optional(),
});
const apiKeySchema = z.object({
  userId: z.string(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
});
const seedSchema = z.object({
  count: z.number().int().min(1).max(200_000).optional(),
  users: z.array(z.object({ firstName: z.string(), lastName: z.string(), email: z.string() })).optional(),
});

export function createServerControlRouter(control: ServerControl): Router {
  return createControlRouter(control, (router) => {
    router.post('/users/:userId/assets', (req, res) => {
      res.json(control.addAssets(String(req.params.userId), assetsSchema.parse(req.body ?? {})));
    });
    router.post('/tokens/expire', (_req, res) => void res.json({ expired: control.expireTokens() }));
    router.post('/api-keys', (req, res) => {
      const body = apiKeySchema.parse(req.body);
      res.status(201).json(control.addApiKey(body.userId, body.clientId, body.clientSecret));
    });
    router.post('/users/seed', (req, res) => {
      const body = seedSchema.parse(req.body);
      const users =
        body.users ??
        Array.from({ length: body.count ?? 0 }, (_, i) => ({
          firstName: 'Seed',
          lastName: `User${i + 1}`,
          email: `seed.user${i + 1}@sim.example.com`,
        }));
      res.status(201).json({ ids: control.seedUsers(users) });
    });
  });
}
