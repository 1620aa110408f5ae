// `tokens create|list|revoke`: bearer tokens for the IdP. A new token is printed once and never stored in clear.
import type { Command } from 'commander';
import type { DatabaseHandle } from '../../store/database.js';
import { TokenRepository } from '../../store/tokens.repository.js';

export type OpenDatabase = () => Promise<DatabaseHandle>;

export function registerTokenCommands(program: Command, open: OpenDatabase): void {
  const tokens = program.command('tokens').description('manage the bearer tokens the IdP uses on /scim/v2');

  tokens
    .command('create')
    .description('create a token and print it once (store it in the IdP connector right away)')
    .requiredOption('-n, --name <name>', 'what the token is for, e.g. "okta-prod"')
    .action(async (opts: { name: string }) => {
      const handle = await open();
      try {
        const { token, info } = await new TokenRepository(handle).create(opts.name);
        process.stdout.write(`${token}\n`);
        process.stderr.write(`token ${info.id} "${info.name}" created; it is shown only this once.\n`);
      } finally {
        await handle.close();
      }
    });

  tokens
    .command('list')
    .description('list tokens (ids and names; never the tokens themselves)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const handle = await open();
      try {
        const rows = await new TokenRepository(handle).list();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        for (const r of rows) {
          const state = r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : 'active';
          process.stdout.write(
            `${r.id}  ${r.source.padEnd(3)}  ${state.padEnd(32)}  ${r.createdAt.toISOString()}  ${r.name}\n`,
          );
        }
      } finally {
        await handle.close();
      }
    });

  tokens
    .command('revoke')
    .description('revoke a token by id (or a unique id prefix); takes effect within 5 s in a running bridge')
    .argument('<id>', 'token id or unique prefix')
    .action(async (id: string) => {
      const handle = await open();
      try {
        const revoked = await new TokenRepository(handle).revoke(id);
        if (!revoked) {
          process.stderr.write(`no single token matches "${id}"\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`revoked ${revoked.id} "${revoked.name}"\n`);
      } finally {
        await handle.close();
      }
    });
}
