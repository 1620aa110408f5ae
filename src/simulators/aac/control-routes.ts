// HTTP face of AacControl under `/__sim/`.
import type { Router } from 'express';
import { z } from 'zod';
import { createControlRouter } from '../shared/control-router.js';
import type { AacControl } from './control.js';

const inviteeSchema = z.union([
  z.object({ email: z.string(), workspaceId: z.number().int().optional() }),
  z.object({ personId: z.number().int(), workspaceId: z.number().int().optional() }),
]);
const workspaceSchema = z.object({ workspaceId: z.number().int().optional() });
const revokeSchema = z.object({ refreshToken: z.string().min(1) });
const assetsSchema = z.object({
  count: z.number().int().min(0),
  workspaceId: z.number().int().optional(),
});
const seedSchema = z.object({
  emails: z.array(z.string()).optional(),
  count: z.number().int().min(1).max(200_000).optional(),
  workspaceId: z.number().int().optional(),
  status: z.enum(['new', 'active', 'suspended']).optional(),
});

export function createAacControlRouter(control: AacControl): Router {
  return createControlRouter(control, (router) => {
    router.post(
      '/invites/accept',
      (req, res) => void res.json(control.acceptInvite(inviteeSchema.parse(req.body))),
    );
    router.post('/tokens/expire', (_req, res) => void res.json({ expired: control.expireAccessTokens() }));
    router.post('/tokens/revoke', (req, res) => {
      const revoked = control.revokeRefreshToken(revokeSchema.parse(req.body).refreshToken);
      res.status(revoked ? 200 : 404).json({ revoked });
    });
    router.post('/tokens/refresh-token', (req, res) => {
      const { workspaceId } = workspaceSchema.parse(req.body ?? {});
      res.status(201).json({ refreshToken: control.issueRefreshToken(workspaceId) });
    });
    router.post('/tokens/access-token', (req, res) => {
      const { workspaceId } = workspaceSchema.parse(req.body ?? {});
      res.status(201).json({ accessToken: control.issueAccessToken(workspaceId) });
    });
    router.post('/people/:personId/assets', (req, res) => {
      const { count, workspaceId } = assetsSchema.parse(req.body);
      res.json(control.addAssets(Number(req.params.personId), count, workspaceId));
    });
    router.post('/people/seed', (req, res) => {
      const body = seedSchema.parse(req.body);
      const emails =
        body.emails ?? Array.from({ length: body.count ?? 0 }, (_, i) => `seed.user${i + 1}@sim.example.com`);
      const options = {
        ...(body.workspaceId !== undefined && { workspaceId: body.workspaceId }),
        ...(body.status && { status: body.status }),
      };
      res.status(201).json({ ids: control.seedPeople(emails, options) });
    });
  });
}
