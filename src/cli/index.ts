// The admin and auditor CLI: `npm run cli -- <command>` (or `node dist/cli/index.js <command>`).
// It works on the database named by DATABASE_URL (default file:./data/bridge.db), applying migrations first.
import { Command } from 'commander';
import { openDatabase } from '../store/database.js';
import { migrate } from '../store/migrator.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerMappingsCommands } from './commands/mappings.js';
import { registerTokenCommands, type OpenDatabase } from './commands/tokens.js';

const open: OpenDatabase = async () => {
  const url = process.env.DATABASE_URL?.trim() || 'file:./data/bridge.db';
  await migrate(url);
  return openDatabase(url);
};

const program = new Command()
  .name('scim-bridge')
  .description('Alteryx SCIM bridge: tokens, id mappings and the audit trail')
  .showHelpAfterError();

registerTokenCommands(program, open);
registerMappingsCommands(program, open);
registerAuditCommands(program, open);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
