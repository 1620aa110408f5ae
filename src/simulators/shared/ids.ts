import { randomBytes, randomUUID } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped id (26 Crockford base-32 characters, time first), like AAC's `gid` fields (docs/reference/upstream-contracts.md A.6.1). */
export function ulid(nowMs: number): string {
  let time = '';
  let remaining = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[remaining % 32] + time;
    remaining = Math.floor(remaining / 32);
  }
  let random = '';
  for (const byte of randomBytes(16)) random += CROCKFORD[byte % 32];
  return time + random;
}

/** A MongoDB-style 24-hex id, like Server's ids (docs/reference/upstream-contracts.md B.3). */
export function hexId(): string {
  return randomBytes(12).toString('hex');
}

export function requestId(): string {
  return randomUUID();
}
