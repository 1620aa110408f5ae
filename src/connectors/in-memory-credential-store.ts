// CredentialStore kept in process memory: for tests and for the embedded demo mode. Production uses the
// database-backed implementation in src/store so rotated refresh tokens survive restarts.
import type { CredentialStore, StoredCredential } from '../core/credential-store.js';

export class InMemoryCredentialStore implements CredentialStore {
  private readonly entries = new Map<string, StoredCredential>();
  private nextVersion = 1;

  get(key: string): Promise<StoredCredential | null> {
    const entry = this.entries.get(key);
    return Promise.resolve(entry ? { ...entry } : null);
  }

  compareAndSet(key: string, expectedVersion: string | null, value: string): Promise<boolean> {
    const current = this.entries.get(key);
    if ((current?.version ?? null) !== expectedVersion) return Promise.resolve(false);
    this.entries.set(key, { value, version: String(this.nextVersion++) });
    return Promise.resolve(true);
  }
}
