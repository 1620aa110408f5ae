// `tokens create|list|revoke`: bearer tokens for the IdP. A new token is printed once and never stored in clear.
import type { Command } from 'commander';
import { TokenRepository } from '../../store/tokens.repository.js';
import {
  runOnDatabase,
  withActorOption,
  withCommonOptions,
  type ActorOptions,
  type CliDeps,
  type CommonOptions,
} from '../common.js';
import { render } from '../output.js';

const TOKEN_COLUMNS = ['id', 'name', 'source', 'state', 'createdAt', 'revokedAt'] as const;

export function registerTokenCommands(program: Command, deps: CliDeps): void {
  const tokens = program.command('tokens').description('manage the bearer tokens the IdP uses on /scim/v2');

  withActorOption(
    withCommonOptions(
      tokens
        .command('create')
        .description('create a token and print it once (store it in the IdP connector right away)')
        .requiredOption('-n, --name <name>', 'what the token is for, e.g. "okta-prod"'),
      ['table', 'json'],
    ),
  ).action((opts: CommonOptions & ActorOptions & { name: string }) =>
    runOnDatabase(deps, opts, 'write', async (handle) => {
      const { token, info } = await new TokenRepository(handle).create(opts.name);
      deps.io.err(`token ${info.id} "${info.name}" created; it is shown only this once.\n`);
      return opts.format === 'json'
        ? `${JSON.stringify([{ id: info.id, name: info.name, token }], null, 2)}\n`
        : `${token}\n`;
    }),
  );

  withCommonOptions(
    tokens.command('list').description('list tokens (ids and names; never the tokens themselves)'),
  ).action((opts: CommonOptions) =>
    runOnDatabase(deps, opts, 'read', async (handle) => {
      const rows = (await new TokenRepository(handle).list()).map((r) => ({
        ...r,
        state: r.revokedAt ? 'revoked' : 'active',
      }));
      return render(opts.format, rows, [...TOKEN_COLUMNS]);
    }),
  );

  withActorOption(
    withCommonOptions(
      tokens
        .command('revoke')
        .description(
          'revoke a token by id (or a unique id prefix); takes effect within 5 s in a running bridge',
        )
        .argument('<id>', 'token id or unique prefix'),
    ),
  ).action((id: string, opts: CommonOptions & ActorOptions) =>
    runOnDatabase(deps, opts, 'write', async (handle) => {
      const revoked = await new TokenRepository(handle).revoke(id);
      if (!revoked) {
        deps.io.err(`no single token matches "${id}"\n`);
        process.exitCode = 1;
        return undefined;
      }
      return render(
        opts.format,
        [{ id: revoked.id, name: revoked.name, state: 'revoked' }],
        ['id', 'name', 'state'],
      );
    }),
  );
}
