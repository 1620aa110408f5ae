// What every CLI command shares (docs/reference/bridge-interface.md, "Operations interface" → CLI): `--database URL`,
// `--format table|csv|json` and `--output FILE`; commands that change state also take `--actor NAME` (recorded as
// who did it; default: the OS user).
import os from 'node:os';
import type { Command } from 'commander';
import type { DatabaseHandle } from '../store/database.js';
import { openCliDatabase, resolveDatabaseUrl, type DatabaseAccess } from './database.js';
import { ALL_FORMATS, emit, formatOption, processIo, type CliIo, type OutputFormat } from './output.js';

export interface CommonOptions {
  database?: string;
  output?: string;
  format: OutputFormat;
}

export interface ActorOptions {
  actor?: string;
}

/** What commands need from outside; tests pass their own database and output. */
export interface CliDeps {
  open(url: string, access: DatabaseAccess): Promise<DatabaseHandle>;
  io: CliIo;
  env: NodeJS.ProcessEnv;
}

export const processDeps: CliDeps = { open: openCliDatabase, io: processIo, env: process.env };

export function withCommonOptions(
  command: Command,
  formats: readonly OutputFormat[] = ALL_FORMATS,
  fallback: OutputFormat = 'table',
): Command {
  return command
    .option(
      '--database <url>',
      'file:PATH or postgresql://… (default: DATABASE_URL, else file:./data/bridge.db)',
    )
    .option('--output <file>', 'write the result to this file instead of stdout')
    .addOption(formatOption(formats, fallback));
}

export function withActorOption(command: Command): Command {
  return command.option('--actor <name>', 'who is acting, for the audit trail (default: the OS user)');
}

export function actorOf(opts: ActorOptions): string {
  if (opts.actor?.trim()) return opts.actor.trim();
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Opens the command's database, runs `work`, writes what it returns (if anything), and always closes. */
export async function runOnDatabase(
  deps: CliDeps,
  opts: CommonOptions,
  access: DatabaseAccess,
  work: (handle: DatabaseHandle) => Promise<string | undefined>,
): Promise<void> {
  const handle = await deps.open(resolveDatabaseUrl(opts.database, deps.env), access);
  try {
    const text = await work(handle);
    if (text !== undefined) emit(deps.io, text, opts.output);
  } finally {
    await handle.close();
  }
}
