// docs/reference/upstream-contracts.md A.6.1 workspace discovery, plus the admins list of A.6.2.
import type { Router } from 'express';
import { tokenOf, workspaceParam } from '../middleware.js';
import { presentPerson, presentWorkspace, parseStatus } from '../presenters.js';
import { fieldsParam, project, queryList, wantsCount } from '../query.js';
import type { AacSimulator } from '../simulator.js';
import { AacError } from '../errors.js';
import type { MembershipStatus } from '../model.js';

export function mountWorkspaceRoutes(shared: Router, v4Only: Router, sim: AacSimulator): void {
  const present = (workspaceId: number) => {
    const { store } = sim.runtime;
    const workspace = store.workspaces.get(workspaceId);
    if (!workspace) throw AacError.notFound(`workspace ${workspaceId} does not exist`);
    return presentWorkspace(workspace, store.membersOf(workspaceId).size);
  };

  shared.get('/workspaces/current', (req, res) => {
    res.json(project(present(tokenOf(res).workspaceId), fieldsParam(req.query)));
  });

  // "Lists all workspaces available to user": those where the token's subject is a member. `count` follows the list
  // convention (A.3, Part D #8) like every other `{data}` list.
  v4Only.get('/workspaces', (req, res) => {
    const { store } = sim.runtime;
    const personId = tokenOf(res).personId;
    const fields = fieldsParam(req.query);
    const data = [...store.workspaces.keys()]
      .filter((id) => store.membership(id, personId))
      .map((id) => project(present(id), fields));
    res.json(wantsCount(req.query, sim.settings) ? { data, count: data.length } : { data });
  });

  // `includeStatus` widens the list from active admins to admins whose status is also new and/or suspended.
  shared.get('/workspaces/:ws/admins', (req, res) => {
    const workspaceId = workspaceParam(req, res);
    const { store } = sim.runtime;
    const statuses = new Set<MembershipStatus>(['active']);
    for (const value of queryList(req.query, 'includeStatus')) {
      const status = parseStatus(value);
      if (status) statuses.add(status);
    }
    const adminIds = new Set<number>();
    for (const role of store.rolesOf(workspaceId))
      if (role.resourceOperations.includes('workspace_admin')) for (const id of role.people) adminIds.add(id);
    const fields = fieldsParam(req.query);
    const data = [...store.membersOf(workspaceId).values()]
      .filter((membership) => statuses.has(membership.status) && adminIds.has(membership.personId))
      .flatMap((membership) => {
        const person = store.people.get(membership.personId);
        return person ? [project(presentPerson(person, membership, store, sim.settings), fields)] : [];
      });
    res.json(wantsCount(req.query, sim.settings) ? { data, count: data.length } : { data });
  });
}
