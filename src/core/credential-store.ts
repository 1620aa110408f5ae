// Port for credentials the bridge must persist because the upstream rotates them (AAC refresh tokens,
// docs/reference/upstream-contracts.md A.2.2: "Once a refresh token has been used, it is no longer valid").
//
// Every rotated token must be stored BEFORE it is spent again, so that a restart or a second replica never
// presents an already-spent token. Replicas coordinate through compare-and-set on `version`: a writer that
// lost the race re-reads and uses the winner's value instead of spending a stale one.
//
// Values are opaque strings to the store (the AAC connector keeps a small JSON document in it). They are
// secrets: implementations must never log them.

export interface StoredCredential {
  value: string;
  /** opaque, changes on every successful write; compared by `compareAndSet` */
  version: string;
}

export interface CredentialStore {
  /** the current value, or null when nothing was ever stored under `key` */
  get(key: string): Promise<StoredCredential | null>;
  /**
   * Writes `value` only if the stored version still equals `expectedVersion` (`null` = only if the key does not
   * exist yet). Returns false, without writing, when another writer got there first.
   */
  compareAndSet(key: string, expectedVersion: string | null, value: string): Promise<boolean>;
}
