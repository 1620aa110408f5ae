// Creates users concurrently through POST /Users until `count` exist or the time budget is spent.
import { idFromBody, userBody } from './scim-client.js';

export interface SeedResult {
  ids: string[];
  userNames: string[];
  seconds: number;
  perSecond: number;
  failures: number;
  /** The first failure, to show why seeding went wrong. */
  firstFailure?: string;
  /** True when the time budget ended the seeding before `count` users existed. */
  timedOut: boolean;
}

export async function seedUsers(options: {
  scimBase: string;
  token: string;
  count: number;
  /** A prefix that keeps userNames unique across seeding rounds. */
  prefix: string;
  concurrency: number;
  budgetMs: number;
}): Promise<SeedResult> {
  const { scimBase, token, count, prefix, concurrency, budgetMs } = options;
  const started = performance.now();
  const deadline = started + budgetMs;
  const ids: string[] = [];
  const userNames: string[] = [];
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  let timedOut = false;

  async function worker(): Promise<void> {
    while (next < count) {
      if (performance.now() > deadline) {
        timedOut = true;
        return;
      }
      const userName = `${prefix}${String(next++).padStart(6, '0')}@bench.example.com`;
      try {
        const res = await fetch(`${scimBase}/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          body: userBody(userName),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        const id = res.status === 201 ? idFromBody(text) : undefined;
        if (id) {
          ids.push(id);
          userNames.push(userName);
        } else {
          failures++;
          firstFailure ??= `HTTP ${res.status}: ${text.slice(0, 200)}`;
        }
      } catch (err) {
        failures++;
        firstFailure ??= err instanceof Error ? err.message : String(err);
      }
      // Stop early when nearly everything fails: the bridge is broken, not slow.
      if (failures > 50 && failures > ids.length) return;
    }
  }

  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const seconds = (performance.now() - started) / 1000;
  return {
    ids,
    userNames,
    seconds,
    perSecond: Math.round(ids.length / Math.max(seconds, 0.001)),
    failures,
    ...(firstFailure === undefined ? {} : { firstFailure }),
    timedOut,
  };
}
