// docs/reference/upstream-contracts.md A.6.6 roles (policies): list, assign (bare int array body), unassign.
import type { Router } from 'express';
import { z } from 'zod';
import { tokenOf } from '../middleware.js';
import { presentRole } from '../presenters.js';
import { intParam, readPage, slicePage, wantsCount } from '../query.js';
import type { AacSimulator } from '../simulator.js';
import { AacError } from '../errors.js';
import { parseBody } from '../body.js';

const personIdArraySchema = z.array(z.number().int());

function policyIdParam(raw: string | undefined): number {
  return intParam(raw, 'policy id');
}

export function mountRoleRoutes(shared: Router, v4Only: Router, sim: AacSimulator): void {
  // `workspaceId=` may only name the token's own workspace (workspace scoping, A.2.1).
  v4Only.get('/authorization/roles', (req, res) => {
    const token = tokenOf(res);
    const requested = req.query.workspaceId;
    if (typeof requested === 'string' && Number(requested) !== token.workspaceId)
      throw AacError.forbidden(`This token is scoped to workspace ${token.workspaceId}`);
    const roles = sim.runtime.store.rolesOf(token.workspaceId);
    const data = slicePage(roles, readPage(req.query, sim.settings)).map(presentRole);
    res.json(wantsCount(req.query, sim.settings) ? { data, count: roles.length } : { data });
  });

  shared.put('/authorization/roles/:policyId/people', (req, res) => {
    const personIds = parseBody(personIdArraySchema, req.body);
    const role = sim.runtime.roles.assign(
      tokenOf(res).workspaceId,
      policyIdParam(req.params.policyId),
      personIds,
    );
    res.json(presentRole(role));
  });

  shared.delete('/authorization/roles/:policyId/people/:personId', (req, res) => {
    sim.runtime.roles.unassign(
      tokenOf(res).workspaceId,
      policyIdParam(req.params.policyId),
      intParam(req.params.personId, 'person id'),
    );
    res.status(204).end();
  });
}
