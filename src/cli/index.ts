// The admin and auditor CLI: `node dist/cli/index.js <command>` (in the image too: `docker exec … node
// dist/cli/index.js …`), or `npm run -s cli -- <command>` (scripts/cli.mjs: the sources through tsx in development,
// dist/ otherwise). It works on the database named by --database, else DATABASE_URL (default file:./data/bridge.db),
// applying migrations first. It never creates a SQLite file: a missing one means a wrong path, said in one line.
import { Command } from 'commander';
import { StartError } from '../shared/start-error.js';
import { openDatabase } from '../store/database.js';
import { assertSqliteFileExists, openDatabaseOrExplain } from '../store/database-errors.js';
import { migrate } from '../store/migrator.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerMappingsCommands } from './commands/mappings.js';
import { registerTokenCommands, type OpenDatabase } from './commands/tokens.js';

const program = new Command()
  .name('scim-bridge')
  .description('Alteryx SCIM bridge: tokens, id mappings and the audit trail')
  .option(
    '--database <url>',
    'file:PATH (SQLite) or postgresql://… (default: DATABASE_URL, else file:./data/bridge.db)',
  )
  .showHelpAfterError();

const open: OpenDatabase = async () => {
  const { database } = program.opts<{ database?: string }>();
  const url = database?.trim() || process.env.DATABASE_URL?.trim() || 'file:./data/bridge.db';
  if (!url.startsWith('file:') && !/^postgres(ql)?:\/\//.test(url))
    throw new StartError('--database / DATABASE_URL must start with file: or postgresql://', 2);
  assertSqliteFileExists(url);
  return openDatabaseOrExplain(url, async () => {
    await migrate(url);
    const handle = openDatabase(url);
    await handle.db.$queryRawUnsafe('SELECT 1');
    return handle;
  });
};

registerTokenCommands(program, open);
registerMappingsCommands(program, open);
registerAuditCommands(program, open);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`scim-bridge: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof StartError ? err.exitCode : 1);
});
