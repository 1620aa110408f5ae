// CredentialStore (src/core/credential-store.ts) on the Credential table: the AAC connector persists every rotated
// refresh token here before spending it again. Compare-and-set on `version` coordinates replicas.
import { randomUUID } from 'node:crypto';
import type { CredentialStore, StoredCredential } from '../../core/credential-store.js';
import type { DatabaseHandle } from '../database.js';
import { withTransaction } from '../transaction.js';
import { readConsistent } from './read.js';

export function createPrismaCredentialStore(handle: DatabaseHandle): CredentialStore {
  return {
    async get(key: string): Promise<StoredCredential | null> {
      const row = await readConsistent(handle, (db) =>
        db.credential.findUnique({ where: { key }, select: { value: true, version: true } }),
      );
      return row ? { value: row.value, version: row.version } : null;
    },

    compareAndSet(key: string, expectedVersion: string | null, value: string): Promise<boolean> {
      const version = randomUUID();
      return withTransaction(handle, async (tx) => {
        if (expectedVersion !== null) {
          // One conditional UPDATE: atomic on PostgreSQL at READ COMMITTED and on SQLite.
          const written = await tx.credential.updateMany({
            where: { key, version: expectedVersion },
            data: { value, version },
          });
          return written.count === 1;
        }
        if (handle.provider === 'postgresql') {
          const pgTx = tx as unknown as {
            credential: {
              createMany(args: {
                data: Array<{ key: string; value: string; version: string }>;
                skipDuplicates: boolean;
              }): Promise<{ count: number }>;
            };
          };
          const created = await pgTx.credential.createMany({
            data: [{ key, value, version }],
            skipDuplicates: true,
          });
          return created.count === 1;
        }
        // SQLite: writers are serialised, the read and the insert cannot be interleaved by another writer.
        if (await tx.credential.findUnique({ where: { key }, select: { key: true } })) return false;
        await tx.credential.create({ data: { key, value, version } });
        return true;
      });
    },
  };
}
