// Prisma CLI configuration. The CLI is used offline for `generate` and `migrate diff` only: migrations are
// applied by the bridge itself at start-up (src/store/migrator.ts). `engine: "js"` keeps the CLI from
// downloading a query-engine binary, which this environment cannot fetch.
import path from 'node:path';
import { defineConfig } from 'prisma/config';

const provider = process.env.PRISMA_PROVIDER === 'postgresql' ? 'postgresql' : 'sqlite';

export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: path.join('prisma', provider),
  async adapter() {
    if (provider === 'postgresql') {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      const { createCliPgPool } = await import('./prisma/cli-pg-pool.js');
      // `migrate diff` between two datamodels still connects: scripts/postgres.sh starts a throw-away server.
      return new PrismaPg(
        createCliPgPool(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:55432/bridge'),
      );
    }
    const { PrismaBetterSQLite3 } = await import('@prisma/adapter-better-sqlite3');
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? 'file:./.tmp/prisma-cli.db' });
  },
});
