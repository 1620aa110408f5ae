// docs/reference/upstream-contracts.md A.6.4 invitations and A.6.5 deprovisioning (suspend, unsuspend, remove, transfer).
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../body.js';
import { AacError } from '../errors.js';
import { workspaceParam } from '../middleware.js';
import { intParam } from '../query.js';
import type { AacSettings } from '../settings.js';
import type { AacSimulator } from '../simulator.js';

const batchInviteSchema = z
  .object({ emails: z.array(z.string()).min(1), roles: z.array(z.unknown()).optional() })
  .passthrough();
const singleInviteSchema = z
  .object({ email: z.string(), skipEmailInvitations: z.array(z.string()).optional() })
  .passthrough();
const personIdsSchema = z.object({
  personIds: z.array(z.union([z.number().int(), z.string().regex(/^\d+$/)])).min(1),
});
const transferSchema = z.union([
  z.object({ fromPersonId: z.number().int(), toPersonId: z.number().int(), assets: z.unknown().optional() }),
  z.object({ fromPersonEmail: z.string(), toPersonEmail: z.string(), assets: z.unknown().optional() }),
]);

/** Part D #12: roles as `[int]`, `[{policyId}]` or `[{id}]`; a strict setting accepts one form only. */
export function parseInviteRoles(roles: unknown[], format: AacSettings['invite_roles_format']): number[] {
  return roles.map((entry) => {
    let form: 'int' | 'policyId' | 'id' | undefined;
    let id: unknown;
    if (typeof entry === 'number') [form, id] = ['int', entry];
    else if (typeof entry === 'object' && entry !== null && 'policyId' in entry)
      [form, id] = ['policyId', entry.policyId];
    else if (typeof entry === 'object' && entry !== null && 'id' in entry) [form, id] = ['id', entry.id];
    if (!form || typeof id !== 'number' || !Number.isInteger(id))
      throw AacError.validation('roles must be policy ids, {"policyId":N} or {"id":N}');
    if (format !== 'any' && format !== form)
      throw AacError.validation(
        `roles must be given as ${format === 'int' ? 'integers' : `{"${format}":N} objects`}`,
      );
    return id;
  });
}

export function mountMembershipRoutes(shared: Router, v4Only: Router, sim: AacSimulator): void {
  const idEntry = (id: number) => (sim.settings.invite_response_shape === 'ids' ? id : { id });

  shared.post('/workspaces/:ws/people/batch', (req, res) => {
    const workspaceId = workspaceParam(req, res);
    const body = parseBody(batchInviteSchema, req.body);
    const roles = parseInviteRoles(body.roles ?? [], sim.settings.invite_roles_format);
    const ids = sim.runtime.people.invite(workspaceId, body.emails, roles);
    res.status(sim.settings.invite_status_code).json({ data: ids.map(idEntry), count: ids.length });
  });

  v4Only.post('/workspaces/:ws/people', (req, res) => {
    const workspaceId = workspaceParam(req, res);
    const body = parseBody(singleInviteSchema, req.body);
    const [id] = sim.runtime.people.invite(workspaceId, [body.email], []);
    res.status(sim.settings.invite_status_code).json({ data: idEntry(id ?? 0) });
  });

  const suspend = (suspended: boolean) => (req: Request, res: Response) => {
    const workspaceId = workspaceParam(req, res);
    const { personIds } = parseBody(personIdsSchema, req.body);
    sim.runtime.people.setSuspended(workspaceId, personIds.map(Number), suspended);
    res.status(200).end();
  };
  shared.post('/workspaces/:ws/people/suspend', suspend(true));
  shared.post('/workspaces/:ws/people/unsuspend', suspend(false));

  // spec's suspendUser (single person); body shape unknown, so it is ignored.
  v4Only.put('/workspaces/:ws/people/:personId/suspended', (req, res) => {
    const workspaceId = workspaceParam(req, res);
    const personId = intParam(req.params.personId, 'person id');
    sim.runtime.people.setSuspended(workspaceId, [personId], true);
    res.json({ id: personId, suspended: true });
  });

  shared.delete('/workspaces/:ws/people/:personId', (req, res) => {
    const workspaceId = workspaceParam(req, res);
    const personId = intParam(req.params.personId, 'person id');
    sim.runtime.people.removeMember(workspaceId, personId);
    // Part D #16
    if (sim.settings.delete_member_status === 200) res.status(200).json([{ id: personId }]);
    else res.status(204).end();
  });

  shared.patch('/workspaces/:ws/transfer', (req, res) => {
    const workspaceId = workspaceParam(req, res);
    const body = parseBody(transferSchema, req.body);
    const { store, people } = sim.runtime;
    const caseSensitive = sim.settings.email_match === 'case_sensitive';
    const find = (id: number | undefined, email: string | undefined) => {
      const person =
        id !== undefined
          ? store.people.get(id)
          : email !== undefined
            ? store.findPeopleByEmail(email, caseSensitive)[0]
            : undefined;
      if (!person)
        throw AacError.validation(
          `person ${id ?? email} does not exist; transfer cannot be applied to deleted users`,
        );
      return person;
    };
    const from =
      'fromPersonId' in body ? find(body.fromPersonId, undefined) : find(undefined, body.fromPersonEmail);
    const to = 'toPersonId' in body ? find(body.toPersonId, undefined) : find(undefined, body.toPersonEmail);
    people.transfer(workspaceId, from, to);
    res.status(204).end();
  });
}
