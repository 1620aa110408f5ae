// `/v3/usergroups` (docs/reference/upstream-contracts.md B.6): custom Server groups.
import express, { type Request, type Router } from 'express';
import { ServerError } from '../errors.js';
import { pageOf, queryValue } from '../list-query.js';
import { tokenOf } from '../middleware.js';
import { presentGroupFull, presentGroupReduced } from '../presenters.js';
import { parseRole, type ServerRole } from '../roles.js';
import type { ServerSimulator } from '../simulator.js';

function groupIdParam(req: Request): string {
  const id = req.params.groupId;
  return typeof id === 'string' ? id : '';
}

/** `{name, role}`, both required, from JSON or form fields. */
function readGroupContract(body: unknown, strictRoles: boolean): { name: string; role: ServerRole } {
  const input = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  const rawName = input.name ?? input.Name;
  const rawRole = input.role ?? input.Role;
  const modelState: Record<string, string[]> = {};
  const name = typeof rawName === 'string' ? rawName.trim() : '';
  if (name === '') modelState['contract.Name'] = ['The Name field is required.'];
  const role = parseRole(rawRole, strictRoles);
  if (rawRole === undefined || rawRole === null || rawRole === '')
    modelState['contract.Role'] = ['The Role field is required.'];
  else if (!role)
    modelState['contract.Role'] = [`The value '${JSON.stringify(rawRole)}' is not valid for Role.`];
  if (Object.keys(modelState).length > 0 || !role) throw ServerError.invalid(modelState);
  return { name, role };
}

export function userGroupsRouter(sim: ServerSimulator): Router {
  const router = express.Router();

  router.get('/', (req, res) => {
    const groups = pageOf([...sim.runtime.store.groups.values()], req.query, sim.settings);
    res.json(groups.map(presentGroupReduced));
  });

  router.get('/:groupId', (req, res) => {
    res.json(presentGroupFull(sim.runtime.store.requireGroup(groupIdParam(req))));
  });

  // The answer is the new id as a JSON string (B.6).
  router.post('/', (req, res) => {
    const { name, role } = readGroupContract(req.body, sim.settings.role_enum_strict);
    res.json(sim.runtime.store.createGroup(name, role).id);
  });

  router.put('/:groupId', (req, res) => {
    const id = groupIdParam(req);
    sim.runtime.store.requireGroup(id);
    const { name, role } = readGroupContract(req.body, sim.settings.role_enum_strict);
    sim.runtime.store.updateGroup(id, name, role);
    res.status(200).end();
  });

  router.delete('/:groupId', (req, res) => {
    const force = queryValue(req.query, 'forceDelete')?.toLowerCase() === 'true';
    sim.runtime.store.deleteGroup(groupIdParam(req), force);
    res.status(200).end();
  });

  // Body: a JSON array of user-id strings (B.6), not `{userId}`.
  router.post('/:groupId/users', (req, res) => {
    const body: unknown = req.body;
    if (!Array.isArray(body) || !body.every((id): id is string => typeof id === 'string')) {
      throw ServerError.invalid({ userIds: ['The request body must be a JSON array of user id strings.'] });
    }
    res.json(sim.runtime.store.addMembers(groupIdParam(req), body, tokenOf(res).userId));
  });

  router.delete('/:groupId/users/:userId', (req, res) => {
    const userId = typeof req.params.userId === 'string' ? req.params.userId : '';
    res.json(presentGroupFull(sim.runtime.store.removeMember(groupIdParam(req), userId)));
  });

  return router;
}
