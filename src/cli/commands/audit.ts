// `audit list`: the audit trail (SCIM requests, the upstream calls they caused, provisioning outcomes) filtered
// for auditors. Rows never hold a secret (see models.prisma AuditEvent).
import { Option, type Command, InvalidArgumentError } from 'commander';
import { listAuditEvents, type AuditReportRow } from '../../store/provisioning/reports.js';
import { runOnDatabase, withCommonOptions, type CliDeps, type CommonOptions } from '../common.js';
import { render } from '../output.js';

const AUDIT_COLUMNS: ReadonlyArray<Extract<keyof AuditReportRow, string>> = [
  'at',
  'requestId',
  'kind',
  'target',
  'resourceType',
  'resourceId',
  'method',
  'path',
  'status',
  'durationMs',
  'attempt',
  'tokenId',
  'detail',
];

function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new InvalidArgumentError(`not a date: ${value} (use e.g. 2026-12-03 or 2026-12-03T10:00:00Z)`);
  return date;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

export function registerAuditCommands(program: Command, deps: CliDeps): void {
  const audit = program
    .command('audit')
    .description('the audit trail: SCIM requests, upstream calls, provisioning outcomes');

  withCommonOptions(
    audit
      .command('list')
      .description('list audit events, oldest first (by time)')
      .option('--email <email>', "a user's events, also after the user was deleted")
      .option('--resource <scimId>', 'events of one SCIM resource')
      .option('--request <requestId>', 'events of one SCIM request (and the upstream calls it caused)')
      .option('--since <date>', 'from this instant (inclusive)', parseDate)
      .option('--until <date>', 'up to this instant (exclusive)', parseDate)
      .addOption(new Option('--kind <kind>', 'scim | upstream | provisioning, or another kind'))
      .addOption(new Option('--target <target>', 'only this target').choices(['aac', 'server']))
      .option('--limit <n>', 'at most n events', parseLimit),
  ).action(
    (
      opts: CommonOptions & {
        email?: string;
        resource?: string;
        request?: string;
        since?: Date;
        until?: Date;
        kind?: string;
        target?: string;
        limit?: number;
      },
    ) =>
      runOnDatabase(deps, opts, 'read', async (handle) => {
        const rows = await listAuditEvents(handle, {
          email: opts.email,
          resourceId: opts.resource,
          requestId: opts.request,
          since: opts.since,
          until: opts.until,
          kind: opts.kind,
          target: opts.target,
          limit: opts.limit,
        });
        return render(opts.format, rows, AUDIT_COLUMNS);
      }),
  );
}
