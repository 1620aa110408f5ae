// `/v3/users` (docs/reference/upstream-contracts.md B.5).
import express, { type Request, type Router } from 'express';
import { ServerError } from '../errors.js';
import { filterUsers, pageOf, wantsFullView } from '../list-query.js';
import { presentUserFull, presentUserReduced } from '../presenters.js';
import type { ServerSimulator } from '../simulator.js';
import { readUserContract } from '../user-contract.js';

function userIdParam(req: Request): string {
  const id = req.params.userId;
  return typeof id === 'string' ? id : '';
}

export function usersRouter(sim: ServerSimulator): Router {
  const router = express.Router();

  router.get('/', (req, res) => {
    const users = pageOf(filterUsers(sim.runtime.store, req.query, sim.settings), req.query, sim.settings);
    res.json(
      wantsFullView(req.query, sim.settings) ? users.map(presentUserFull) : users.map(presentUserReduced),
    );
  });

  router.get('/:userId', (req, res) => {
    res.json(presentUserFull(sim.runtime.store.requireUser(userIdParam(req))));
  });

  router.post('/', (req, res) => {
    // "cannot be used for Windows Authentication configured Server instances" (B.5, Part D #30)
    if (sim.settings.auth_mode === 'windows')
      throw ServerError.badRequest(
        'Users cannot be created through the API on a Windows Authentication configured Server.',
      );
    const fields = readUserContract(req.body, 'create', {
      requireAll: false,
      strictRoles: sim.settings.role_enum_strict,
    });
    const { firstName, lastName, email } = fields;
    if (firstName === undefined || lastName === undefined || email === undefined)
      throw ServerError.invalid({ contract: ['firstName, lastName and email are required.'] });
    const user = sim.runtime.store.createUser({ ...fields, firstName, lastName, email });
    res.status(sim.settings.create_status_code).json(presentUserFull(user));
  });

  router.put('/:userId', (req, res) => {
    const id = userIdParam(req);
    sim.runtime.store.requireUser(id);
    const fields = readUserContract(req.body, 'update', {
      requireAll: sim.settings.put_requires_all_fields,
      strictRoles: sim.settings.role_enum_strict,
      windowsAuth: sim.settings.auth_mode === 'windows',
    });
    res.json(presentUserFull(sim.runtime.store.replaceUser(id, fields)));
  });

  router.delete('/:userId', (req, res) => {
    sim.runtime.store.deleteUser(userIdParam(req));
    res.status(200).end();
  });

  router.post('/:userId/deactivate', (req, res) => {
    res.json(sim.runtime.store.deactivateUser(userIdParam(req)));
  });

  router.post('/:userId/passwordReset', (req, res) => {
    sim.runtime.store.requireUser(userIdParam(req));
    if (sim.settings.auth_mode !== 'builtin')
      throw ServerError.badRequest(
        `Password reset is not available with ${sim.settings.auth_mode} authentication.`,
      );
    res.status(200).end();
  });

  router.get('/:userId/assets', (req, res) => {
    const id = userIdParam(req);
    sim.runtime.store.requireUser(id);
    const assets = sim.runtime.store.assetsOf(id);
    const type = typeof req.query.assetType === 'string' ? req.query.assetType.toLowerCase() : 'all';
    const toView = (ids: string[]) => ids.map((assetId) => ({ id: assetId, ownerId: id }));
    res.json({
      workflows: type === 'all' || type === 'workflow' ? toView(assets.workflows) : [],
      schedules: type === 'all' || type === 'schedule' ? toView(assets.schedules) : [],
      collections: type === 'all' || type === 'collection' ? toView(assets.collections) : [],
    });
  });

  router.put('/:userId/assetTransfer', (req, res) => {
    const { store } = sim.runtime;
    const from = store.requireUser(userIdParam(req));
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<
      string,
      unknown
    >;
    const ownerId = typeof body.ownerId === 'string' ? body.ownerId : undefined;
    if (!ownerId) throw ServerError.invalid({ 'contract.OwnerId': ['The OwnerId field is required.'] });
    const to = store.requireUser(ownerId);
    const source = store.assetsOf(from.id);
    const target = store.assetsOf(to.id);
    const flag = (name: string) => body[name] === true || body[name] === 'true';
    const moved: Array<{ affectedScheduleId: string }> = [];
    if (flag('transferWorkflows')) target.workflows.push(...source.workflows.splice(0));
    if (flag('transferSchedules')) {
      for (const scheduleId of source.schedules) moved.push({ affectedScheduleId: scheduleId });
      target.schedules.push(...source.schedules.splice(0));
    }
    if (flag('transferCollections')) target.collections.push(...source.collections.splice(0));
    res.json(moved);
  });

  return router;
}
