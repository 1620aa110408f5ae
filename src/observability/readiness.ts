// Readiness as a registry of named checks (docs/reference/bridge-interface.md: `checks` is an array of {name, ok, warning?,
// error?}). Each check is a provider function returning a stable reason code, never free text: /readyz answers
// without authentication, so upstream messages, hosts and ports stay in the log (and in the readiness metric, by
// reason code). Checks run together, each under a time limit, and the report is cached for a few seconds so
// probes cannot hammer the database or the upstreams. A check whose state changes is logged once, with its detail.
import type { Logger } from '../shared/logger.js';

export type CheckOutcome =
  /** ready; a warning (reason code) means "still ready, but act soon" */
  | { ok: true; warning?: string | undefined; detail?: string | undefined; hint?: string | undefined }
  /** not ready, with a stable reason code and (for the log only) the detail and what to do */
  | { ok: false; error: string; detail?: string | undefined; hint?: string | undefined };

export interface ReadinessCheck {
  /** `database`, `scim_token`, `upstream:aac`, `backlog`, `aac_refresh_token`, … */
  name: string;
  run(): Promise<CheckOutcome>;
  /** what the operator should do when it fails or warns (logged with the detail) */
  hint?: string | undefined;
  /** checks that must have run first in the same evaluation (e.g. the AAC token's expiry is known once
   * `upstream:aac` obtained a token) */
  after?: readonly string[] | undefined;
}

/** One entry of the public report (docs/reference/bridge-interface.md). */
export interface CheckState {
  name: string;
  ok: boolean;
  warning?: string;
  error?: string;
}

export interface ReadinessReport {
  /** every check ok (warnings allowed) */
  ready: boolean;
  checks: CheckState[];
}

export interface ReadinessOptions {
  /** how long a report is reused; default 5 000 ms */
  cacheMs?: number;
  /** time limit of one check; default 4 000 ms (below a Kubernetes probe's usual 5 s timeout) */
  timeoutMs?: number;
}

export class Readiness {
  private readonly checks: ReadinessCheck[] = [];
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private cached: { at: number; checks: CheckState[] } | undefined;
  private inFlight: Promise<CheckState[]> | undefined;
  /** last logged state per check: `ok`, `warning:<reason>` or `error:<reason>` */
  private readonly lastLogged = new Map<string, string>();

  constructor(
    private readonly logger: Logger,
    options: ReadinessOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 4_000;
  }

  /** Adds a check (issue 10 adds `held_deprovisions` here). A later check of the same name replaces the earlier. */
  add(check: ReadinessCheck): this {
    const index = this.checks.findIndex((c) => c.name === check.name);
    if (index >= 0) this.checks[index] = check;
    else this.checks.push(check);
    this.cached = undefined;
    return this;
  }

  get names(): string[] {
    return this.checks.map((c) => c.name);
  }

  /**
   * The current report. `only` (check names) limits which failures make it "not ready" — e.g. a Kubernetes
   * readiness probe that should keep accepting IdP writes while an upstream is down; every check is still listed.
   */
  async report(only?: readonly string[]): Promise<ReadinessReport> {
    const checks = await this.current();
    const counted = only && only.length > 0 ? checks.filter((c) => only.includes(c.name)) : checks;
    return { ready: counted.every((c) => c.ok), checks };
  }

  /** Runs every check now (the start-up check) and logs what fails or warns. */
  async runNow(): Promise<ReadinessReport> {
    this.cached = undefined;
    return this.report();
  }

  private current(): Promise<CheckState[]> {
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return Promise.resolve(this.cached.checks);
    this.inFlight ??= this.evaluate().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async evaluate(): Promise<CheckState[]> {
    const runs = new Map<string, Promise<CheckState>>();
    const run = async (check: ReadinessCheck): Promise<CheckState> => {
      const before = (check.after ?? []).flatMap((name) => {
        const earlier = runs.get(name);
        return earlier ? [earlier] : [];
      });
      await Promise.all(before);
      const outcome = await this.runOne(check);
      this.logChange(check, outcome);
      if (!outcome.ok) return { name: check.name, ok: false, error: outcome.error };
      return outcome.warning
        ? { name: check.name, ok: true, warning: outcome.warning }
        : { name: check.name, ok: true };
    };
    // Declaration order: a check can only wait for one added before it, so there is no cycle.
    for (const check of this.checks) runs.set(check.name, run(check));
    const checks = await Promise.all(this.checks.map((check) => runs.get(check.name) as Promise<CheckState>));
    this.cached = { at: Date.now(), checks };
    return checks;
  }

  private async runOne(check: ReadinessCheck): Promise<CheckOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CheckOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, error: 'timeout', detail: `no answer within ${this.timeoutMs} ms` }),
        this.timeoutMs,
      );
      timer.unref();
    });
    try {
      return await Promise.race([
        check.run().catch((err: unknown): CheckOutcome => ({
          ok: false,
          error: 'check_failed',
          detail: err instanceof Error ? err.message : String(err),
        })),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private logChange(check: ReadinessCheck, outcome: CheckOutcome): void {
    const state = outcome.ok
      ? outcome.warning
        ? `warning:${outcome.warning}`
        : 'ok'
      : `error:${outcome.error}`;
    const previous = this.lastLogged.get(check.name);
    if (previous === state) return;
    this.lastLogged.set(check.name, state);
    const hint = outcome.hint ?? check.hint;
    const fields = {
      check: check.name,
      reason: outcome.ok ? outcome.warning : outcome.error,
      detail: outcome.detail,
    };
    const what = (reason: string) =>
      `${check.name} (${reason})${outcome.detail ? `: ${outcome.detail}` : ''}${hint ? `. ${hint}` : ''}`;
    if (!outcome.ok) {
      this.logger.error(fields, `not ready: ${what(outcome.error)}`);
    } else if (outcome.warning) {
      this.logger.warn(fields, `readiness warning: ${what(outcome.warning)}`);
    } else if (previous !== undefined) {
      this.logger.info({ check: check.name }, `ready again: ${check.name}`);
    }
  }
}
