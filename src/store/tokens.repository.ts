// Bearer tokens for the IdP. Only the SHA-256 of a token is stored; verification compares hashes in constant time.
// Tokens are high-entropy random strings, so a fast hash is the right tool (no password-style KDF needed).
import crypto from 'node:crypto';
import type { DatabaseHandle } from './database.js';
import { withTransaction } from './transaction.js';

export interface TokenInfo {
  id: string;
  name: string;
  source: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token: 32 bytes, base64url, prefixed so that secret scanners recognise it. */
export function generateToken(): string {
  return `scimb_${crypto.randomBytes(32).toString('base64url')}`;
}

function constantTimeEqualHex(a: string, b: string): boolean {
  const ba = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ba.length === bb.length && crypto.timingSafeEqual(ba, bb);
}

export class TokenRepository {
  /** active token hashes → token id, refreshed from the database at most every `cacheMs` */
  private cache: { at: number; entries: Array<{ id: string; hash: string }> } | null = null;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly cacheMs = 5_000,
  ) {}

  /** Creates a token and returns it in clear text: the only time it is ever visible. */
  async create(name: string): Promise<{ token: string; info: TokenInfo }> {
    const token = generateToken();
    const row = await withTransaction(this.handle, (tx) =>
      tx.apiToken.create({
        data: { id: crypto.randomUUID(), name, tokenHash: hashToken(token), source: 'cli' },
      }),
    );
    this.cache = null;
    return { token, info: row };
  }

  /**
   * Registers SCIM_TOKEN from the environment (idempotent: the same value maps to the same row). A previous
   * SCIM_TOKEN stops working: changing the variable is how an admin rotates that token. A revoked SCIM_TOKEN stays
   * revoked (issue 8): a restart with the same value must not bring back a token an admin revoked because it
   * leaked; the caller reports it (the start log) and the admin sets a new value.
   */
  async registerEnvToken(token: string): Promise<{ id: string; revokedAt: Date | null }> {
    const tokenHash = hashToken(token);
    const row = await withTransaction(this.handle, async (tx) => {
      await tx.apiToken.updateMany({
        where: { source: 'env', revokedAt: null, tokenHash: { not: tokenHash } },
        data: { revokedAt: new Date() },
      });
      return tx.apiToken.upsert({
        where: { tokenHash },
        create: { id: crypto.randomUUID(), name: 'SCIM_TOKEN (environment)', tokenHash, source: 'env' },
        update: {},
      });
    });
    this.cache = null;
    return { id: row.id, revokedAt: row.revokedAt };
  }

  list(): Promise<TokenInfo[]> {
    return this.handle.db.apiToken.findMany({
      select: { id: true, name: true, source: true, createdAt: true, revokedAt: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** How many tokens can authenticate now (readiness: none means every IdP request gets 401). */
  activeCount(): Promise<number> {
    return this.handle.db.apiToken.count({ where: { revokedAt: null } });
  }

  /** Revokes by id or by unique id prefix; returns the revoked token or null when none matched. */
  async revoke(idOrPrefix: string): Promise<TokenInfo | null> {
    const matches = await this.handle.db.apiToken.findMany({ where: { id: { startsWith: idOrPrefix } } });
    const [match] = matches;
    if (matches.length !== 1 || !match) return null;
    const row = await withTransaction(this.handle, (tx) =>
      tx.apiToken.update({ where: { id: match.id }, data: { revokedAt: new Date() } }),
    );
    this.cache = null;
    return row;
  }

  /** Returns the id of the active token matching `token`, or null. Compares every candidate in constant time. */
  async verify(token: string): Promise<string | null> {
    const hash = hashToken(token);
    const now = Date.now();
    if (!this.cache || now - this.cache.at > this.cacheMs) {
      const rows = await this.handle.db.apiToken.findMany({
        where: { revokedAt: null },
        select: { id: true, tokenHash: true },
      });
      this.cache = { at: now, entries: rows.map((r) => ({ id: r.id, hash: r.tokenHash })) };
    }
    let found: string | null = null;
    for (const entry of this.cache.entries) {
      if (constantTimeEqualHex(entry.hash, hash)) found = entry.id;
    }
    return found;
  }
}
