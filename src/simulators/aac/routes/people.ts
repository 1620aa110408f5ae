// docs/reference/upstream-contracts.md A.6.2 (list, get, find by email) and A.6.3 (person object, restricted updates).
import type { Request, Response, Router } from 'express';
import { AacError } from '../errors.js';
import { tokenOf, workspaceParam } from '../middleware.js';
import { selectMembers } from '../people-query.js';
import { presentPerson } from '../presenters.js';
import { fieldsParam, intParam, project, queryBool, readPage, slicePage, wantsCount } from '../query.js';
import type { AacSimulator } from '../simulator.js';

function personIdParam(req: Request): number {
  return intParam(req.params.personId, 'person id');
}

export function mountPeopleRoutes(shared: Router, v4Only: Router, sim: AacSimulator): void {
  const list = (req: Request, res: Response, workspaceId: number): void => {
    const { store } = sim.runtime;
    const settings = sim.settings;
    const rows = selectMembers(store, workspaceId, req.query, settings);
    const includePrivileges = queryBool(req.query, 'includePrivileges') ?? false;
    const fields = fieldsParam(req.query);
    const data = slicePage(rows, readPage(req.query, settings)).map((row) =>
      project(presentPerson(row.person, row.membership, store, settings, { includePrivileges }), fields),
    );
    res.json(wantsCount(req.query, settings) ? { data, count: rows.length } : { data });
  };

  const getOne = (req: Request, res: Response, personId: number): void => {
    const { store } = sim.runtime;
    const workspaceId = tokenOf(res).workspaceId;
    const person = store.people.get(personId);
    const membership = store.membership(workspaceId, personId);
    // People outside the token's workspace are invisible to it.
    if (!person || !membership) throw AacError.notFound(`person ${personId} does not exist`);
    const includePrivileges = queryBool(req.query, 'includePrivileges') ?? false;
    res.json(
      project(
        presentPerson(person, membership, store, sim.settings, { includePrivileges }),
        fieldsParam(req.query),
      ),
    );
  };

  v4Only.get('/people', (req, res) => list(req, res, tokenOf(res).workspaceId));
  // Registered before `/people/:personId` so that `current` is not read as an id.
  shared.get('/people/current', (req, res) => getOne(req, res, tokenOf(res).personId));
  shared.get('/people/:personId', (req, res) => getOne(req, res, personIdParam(req)));
  shared.get('/workspaces/:ws/people', (req, res) => list(req, res, workspaceParam(req, res)));

  const update = (req: Request, res: Response, full: boolean): void => {
    const workspaceId = workspaceParam(req, res);
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw AacError.validation('body must be a JSON object');
    const { store, people } = sim.runtime;
    const person = people.updatePerson(
      workspaceId,
      personIdParam(req),
      tokenOf(res).personId,
      body as Record<string, unknown>,
    );
    const membership = people.requireMembership(workspaceId, person.id);
    // A.3: PUT answers minimal data, PATCH (patchWorkspaceUser) the person.
    res.json(
      full
        ? { id: person.id, updatedAt: person.updatedAt }
        : presentPerson(person, membership, store, sim.settings),
    );
  };
  v4Only.put('/workspaces/:ws/people/:personId', (req, res) => update(req, res, true));
  v4Only.patch('/workspaces/:ws/people/:personId', (req, res) => update(req, res, false));
}
