// `mappings list|show`: who was provisioned where (the IdMapping table), for auditors.
import { Option, type Command } from 'commander';
import { listMappings, showMapping, type MappingReportRow } from '../../store/provisioning/reports.js';
import { runOnDatabase, withCommonOptions, type CliDeps, type CommonOptions } from '../common.js';
import { cellText, render, toTable } from '../output.js';

const MAPPING_COLUMNS: ReadonlyArray<Extract<keyof MappingReportRow, string>> = [
  'resourceType',
  'scimId',
  'target',
  'state',
  'upstreamId',
  'email',
  'displayName',
  'reason',
  'updatedAt',
];

export function registerMappingsCommands(program: Command, deps: CliDeps): void {
  const mappings = program
    .command('mappings')
    .description('who was provisioned where: one row per SCIM resource and target (kept after deletion)');

  withCommonOptions(
    mappings
      .command('list')
      .description('list id mappings')
      .option('--email <email>', 'only this user (case-insensitive)')
      .addOption(new Option('--target <target>', 'only this target').choices(['aac', 'server']))
      .addOption(
        new Option('--state <state>', 'only this state').choices([
          'pending',
          'synced',
          'failed',
          'not_propagated',
          'removed',
        ]),
      )
      .addOption(new Option('--type <type>', 'only users or groups').choices(['User', 'Group'])),
  ).action((opts: CommonOptions & { email?: string; target?: string; state?: string; type?: string }) =>
    runOnDatabase(deps, opts, 'read', async (handle) => {
      const rows = await listMappings(handle, {
        email: opts.email,
        target: opts.target,
        state: opts.state,
        resourceType: opts.type,
      });
      return render(opts.format, rows, MAPPING_COLUMNS);
    }),
  );

  withCommonOptions(
    mappings
      .command('show')
      .description('everything about one resource: its mappings, recent jobs and membership deltas')
      .argument('<scimIdOrEmail>', 'SCIM id of a user or group, or a user email'),
    ['table', 'json'],
  ).action((idOrEmail: string, opts: CommonOptions) =>
    runOnDatabase(deps, opts, 'read', async (handle) => {
      const detail = await showMapping(handle, idOrEmail);
      if (!detail) {
        deps.io.err(`no mapping for "${idOrEmail}"\n`);
        process.exitCode = 1;
        return undefined;
      }
      if (opts.format === 'json') return `${JSON.stringify(detail, null, 2)}\n`;
      let text = toTable(detail.mappings, MAPPING_COLUMNS);
      for (const m of detail.mappings) {
        text += `\n${m.resourceType} ${m.scimId} on ${m.target}: last pushed ${cellText(m.lastPushed) || '-'}; extra ${cellText(m.extra) || '-'}\n`;
      }
      text += `\nrecent jobs\n`;
      text += toTable(detail.jobs, [
        'id',
        'requestId',
        'target',
        'state',
        'attempts',
        'runAfter',
        'lastStatus',
        'lastError',
      ]);
      if (detail.memberSyncs.length > 0) {
        text += `\nmembership deltas\n`;
        text += toTable(detail.memberSyncs, ['target', 'state', 'count']);
      }
      return text;
    }),
  );
}
