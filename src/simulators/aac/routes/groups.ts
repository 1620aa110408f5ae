// docs/reference/upstream-contracts.md A.6.7 workspace user groups. The list envelope is `{groups, count}` (not `data`); member ids travel in
// a repeated `userIds` query parameter and may be strings or ints.
import type { Request, Router } from 'express';
import { z } from 'zod';
import { AacError } from '../errors.js';
import { workspaceParam } from '../middleware.js';
import { presentCreatedGroup, presentGroup } from '../presenters.js';
import { queryBool, queryList, queryString, readPage, slicePage, toIntIds } from '../query.js';
import type { AacSimulator } from '../simulator.js';
import { parseBody } from '../body.js';

const idSchema = z.union([z.number().int(), z.string().regex(/^\d+$/)]);
const roleRefSchema = z.union([
  idSchema,
  z.object({ policyId: z.number().int() }),
  z.object({ id: z.number().int() }),
]);
const createGroupSchema = z
  .object({
    name: z.string().trim().min(1),
    roles: z.array(roleRefSchema).optional(),
    members: z.array(idSchema).optional(),
    scimEnabled: z.boolean().optional(),
    externalId: z.string().nullable().optional(),
  })
  .passthrough();
const renameGroupSchema = z.object({ name: z.string().trim().min(1) }).passthrough();
const setRolesSchema = z.object({ roleIds: z.array(idSchema) });

function roleId(ref: z.infer<typeof roleRefSchema>): number {
  if (typeof ref === 'object') return 'policyId' in ref ? ref.policyId : ref.id;
  return Number(ref);
}

function userIdsParam(req: Request): number[] {
  const ids = queryList(req.query, 'userIds');
  if (ids.length === 0) throw AacError.validation('query parameter "userIds" is required');
  return toIntIds(ids, 'userIds');
}

function groupIdParam(req: Request): string {
  const id = req.params.groupId;
  return typeof id === 'string' ? id : '';
}

export function mountGroupRoutes(v4Only: Router, sim: AacSimulator): void {
  v4Only.get('/workspaces/:ws/groups', (req, res) => {
    const workspaceId = workspaceParam(req, res);
    const { store } = sim.runtime;
    const name = queryString(req.query, 'name')?.toLowerCase();
    const includeFullUsers = queryBool(req.query, 'includeFullUsers') ?? false;
    const groups = store
      .groupsOf(workspaceId)
      .filter((group) => name === undefined || group.name.toLowerCase().includes(name));
    const page = slicePage(groups, readPage(req.query, sim.settings)).map((group) =>
      presentGroup(group, store, sim.settings, includeFullUsers),
    );
    res.json({ groups: page, count: groups.length });
  });

  v4Only.post('/workspaces/:ws/groups', (req, res) => {
    const workspaceId = workspaceParam(req, res);
    const body = parseBody(createGroupSchema, req.body);
    const group = sim.runtime.groups.create(workspaceId, {
      name: body.name,
      roleIds: (body.roles ?? []).map(roleId),
      memberIds: (body.members ?? []).map(Number),
      scimEnabled: body.scimEnabled ?? false,
      externalId: body.externalId ?? null,
    });
    res.status(201).json(presentCreatedGroup(group));
  });

  v4Only.put('/workspaces/:ws/groups/:groupId', (req, res) => {
    const workspaceId = workspaceParam(req, res);
    const { name } = parseBody(renameGroupSchema, req.body);
    const group = sim.runtime.groups.rename(workspaceId, groupIdParam(req), name);
    res.json(presentGroup(group, sim.runtime.store, sim.settings));
  });

  v4Only.delete('/workspaces/:ws/groups/:groupId', (req, res) => {
    sim.runtime.groups.remove(workspaceParam(req, res), groupIdParam(req));
    res.status(204).end();
  });

  v4Only.post('/workspaces/:ws/groups/:groupId/users', (req, res) => {
    sim.runtime.groups.addUsers(workspaceParam(req, res), groupIdParam(req), userIdsParam(req));
    res.status(204).end();
  });

  v4Only.delete('/workspaces/:ws/groups/:groupId/users', (req, res) => {
    sim.runtime.groups.removeUsers(workspaceParam(req, res), groupIdParam(req), userIdsParam(req));
    res.status(204).end();
  });

  v4Only.put('/workspaces/:ws/groups/:groupId/roles', (req, res) => {
    const { roleIds } = parseBody(setRolesSchema, req.body);
    sim.runtime.groups.setRoles(workspaceParam(req, res), groupIdParam(req), roleIds.map(Number));
    res.status(204).end();
  });
}
