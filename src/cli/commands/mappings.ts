// `mappings list|show`: who was provisioned where (the IdMapping table), for auditors. Also home of the small
// table/CSV/JSON renderer the `audit` command shares (no CSV library is installed, and one is not needed).
import { Option, type Command } from 'commander';
import { listMappings, showMapping, type MappingReportRow } from '../../store/provisioning/reports.js';
import type { OpenDatabase } from './tokens.js';

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: CliOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export type OutputFormat = 'table' | 'csv' | 'json';

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? '';
}

/**
 * One RFC 4180 field: quoted when it holds a comma, quote, CR or LF, quotes doubled. A leading =, +, -, @, tab or
 * CR is prefixed with ' so that a spreadsheet opening the file never evaluates audit data as a formula (OWASP
 * "CSV injection").
 */
export function csvField(value: unknown): string {
  let text = cellText(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T extends object>(
  rows: readonly T[],
  columns: ReadonlyArray<keyof T & string>,
): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function toTable<T extends object>(
  rows: readonly T[],
  columns: ReadonlyArray<keyof T & string>,
): string {
  const cells = rows.map((row) => columns.map((c) => cellText(row[c]).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) =>
    Math.min(60, Math.max(c.length, ...cells.map((r) => r[i]?.length ?? 0))),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const w = widths[i] ?? 0;
        return (v.length > w ? `${v.slice(0, w - 1)}…` : v).padEnd(w);
      })
      .join('  ')
      .trimEnd();
  return `${[line([...columns]), ...cells.map(line)].join('\n')}\n`;
}

export function render<T extends object>(
  format: OutputFormat,
  rows: readonly T[],
  columns: ReadonlyArray<keyof T & string>,
): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') return toCsv(rows, columns);
  return toTable(rows, columns);
}

export function formatOption(formats: readonly OutputFormat[], fallback: OutputFormat): Option {
  return new Option('--format <format>', 'output format').choices([...formats]).default(fallback);
}

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

export function registerMappingsCommands(
  program: Command,
  open: OpenDatabase,
  io: CliOutput = processOutput,
): void {
  const mappings = program
    .command('mappings')
    .description('who was provisioned where: one row per SCIM resource and target (kept after deletion)');

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
    .addOption(new Option('--type <type>', 'only users or groups').choices(['User', 'Group']))
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(
      async (opts: {
        email?: string;
        target?: string;
        state?: string;
        type?: string;
        format: OutputFormat;
      }) => {
        const handle = await open();
        try {
          const rows = await listMappings(handle, {
            email: opts.email,
            target: opts.target,
            state: opts.state,
            resourceType: opts.type,
          });
          io.out(render(opts.format, rows, MAPPING_COLUMNS));
        } finally {
          await handle.close();
        }
      },
    );

  mappings
    .command('show')
    .description('everything about one resource: its mappings, recent jobs and membership deltas')
    .argument('<scimIdOrEmail>', 'SCIM id of a user or group, or a user email')
    .addOption(formatOption(['table', 'json'], 'table'))
    .action(async (idOrEmail: string, opts: { format: OutputFormat }) => {
      const handle = await open();
      try {
        const detail = await showMapping(handle, idOrEmail);
        if (!detail) {
          io.err(`no mapping for "${idOrEmail}"\n`);
          process.exitCode = 1;
          return;
        }
        if (opts.format === 'json') {
          io.out(`${JSON.stringify(detail, null, 2)}\n`);
          return;
        }
        io.out(toTable(detail.mappings, MAPPING_COLUMNS));
        for (const m of detail.mappings) {
          io.out(
            `\n${m.resourceType} ${m.scimId} on ${m.target}: last pushed ${cellText(m.lastPushed) || '-'}; extra ${cellText(m.extra) || '-'}\n`,
          );
        }
        io.out(`\nrecent jobs\n`);
        io.out(
          toTable(detail.jobs, [
            'id',
            'requestId',
            'target',
            'state',
            'attempts',
            'runAfter',
            'lastStatus',
            'lastError',
          ]),
        );
        if (detail.memberSyncs.length > 0) {
          io.out(`\nmembership deltas\n`);
          io.out(toTable(detail.memberSyncs, ['target', 'state', 'count']));
        }
      } finally {
        await handle.close();
      }
    });
}
