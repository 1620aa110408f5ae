// The admin and auditor CLI: `node dist/cli/index.js <command>` or `npm run -s cli -- <command>`.
// Exit codes (docs/reference/bridge-interface.md, "Operations interface"): 0 success, 1 failure, 2 usage error.
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from './commands/audit.js';
import { registerMappingsCommands } from './commands/mappings.js';
import { registerTokenCommands } from './commands/tokens.js';
import { processDeps } from './common.js';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const program = new Command()
  .name('scim-bridge')
  .description('Alteryx SCIM bridge: tokens, id mappings and the audit trail')
  .showHelpAfterError()
  // Subcommands inherit this: commander throws instead of exiting, so usage errors can exit 2.
  .exitOverride();

registerTokenCommands(program, processDeps);
registerMappingsCommands(program, processDeps);
registerAuditCommands(program, processDeps);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // commander has already printed the message (or the help)
    process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  process.stderr.write(`scim-bridge: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(EXIT_FAILURE);
});
