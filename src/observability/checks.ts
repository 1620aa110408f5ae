// The bridge's readiness checks, each a provider function with stable reason codes (docs/operations.md lists them).
import type { Connector, TargetName } from '../core/connector.js';
import { UpstreamError } from '../core/errors.js';
import type { CheckOutcome, ReadinessCheck } from './readiness.js';

const DAY_MS = 86_400_000;

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The database answers a trivial query. */
export function databaseCheck(ping: () => Promise<unknown>, describe: string): ReadinessCheck {
  return {
    name: 'database',
    run: async () => {
      try {
        await ping();
        return { ok: true };
      } catch (err) {
        return {
          ok: false,
          error: 'unreachable',
          detail: `${describe}: ${messageOf(err)}`,
          hint: 'check DATABASE_URL and that the database is up',
        };
      }
    },
  };
}

/** At least one SCIM bearer token can authenticate; without one every IdP request is a 401. */
export function scimTokenCheck(activeTokens: () => Promise<number>, cliCommand: string): ReadinessCheck {
  return {
    name: 'scim_token',
    run: async () =>
      (await activeTokens()) > 0
        ? { ok: true }
        : {
            ok: false,
            error: 'no_active_token',
            detail: 'no SCIM bearer token is active: every IdP request is refused with 401',
            hint: `create one with \`${cliCommand} tokens create --name okta\` or set SCIM_TOKEN`,
          },
  };
}

/**
 * Stable reason code of an upstream failure. The message (with host, port and the upstream's own words) stays in
 * the detail, which only the log sees (issue 8, defect 6).
 */
export function upstreamReason(err: unknown): string {
  if (!(err instanceof UpstreamError)) return 'check_failed';
  switch (err.kind) {
    case 'auth':
      return 'credentials_refused';
    case 'not-found':
      return 'not_found';
    case 'rejected':
      return 'rejected';
    case 'transient':
      if (err.status === 429) return 'rate_limited';
      return err.status === undefined ? 'unreachable' : 'upstream_error';
  }
}

const UPSTREAM_HINTS: Record<TargetName, Record<string, string>> = {
  aac: {
    credentials_refused:
      'generate a new OAuth 2.0 API token pair in AAC (Profile → User Preferences → OAuth 2.0 API Tokens) and set AAC_REFRESH_TOKEN and AAC_CLIENT_ID (docs/setup/aac.md)',
    unreachable: 'check AAC_API_URL / AAC_TOKEN_URL and the network path to AAC',
    not_found: 'check AAC_WORKSPACE_ID: the token belongs to one workspace',
  },
  server: {
    credentials_refused:
      'check SERVER_CLIENT_ID / SERVER_CLIENT_SECRET (My Profile → Keys of a Curator with API access, docs/setup/server.md)',
    unreachable: 'check SERVER_API_URL (…/webapi) and the network path to Server',
    not_found: 'check SERVER_API_URL: it must end in /webapi',
  },
};

/** The upstream answers and its credentials yield a token (Connector.checkReady). */
export function upstreamCheck(connector: Connector): ReadinessCheck {
  const target = connector.target;
  return {
    name: `upstream:${target}`,
    run: async (): Promise<CheckOutcome> => {
      try {
        await connector.checkReady({ requestId: 'readyz' });
        return { ok: true };
      } catch (err) {
        const error = upstreamReason(err);
        return { ok: false, error, detail: messageOf(err), hint: UPSTREAM_HINTS[target][error] };
      }
    },
  };
}

/** The oldest pending job of any target is younger than the alert threshold (0 = check off). */
export function backlogCheck(
  oldestPendingAges: () => Promise<Map<string, number>>,
  alertMinutes: number,
): ReadinessCheck {
  return {
    name: 'backlog',
    run: async () => {
      if (alertMinutes <= 0) return { ok: true };
      const over = [...(await oldestPendingAges())].filter(([, age]) => age > alertMinutes * 60);
      if (over.length === 0) return { ok: true };
      return {
        ok: false,
        error: 'oldest_pending_over_threshold',
        detail: over
          .map(([target, age]) => `oldest pending job on ${target} waits for ${Math.round(age / 60)} min`)
          .join('; '),
        hint: `BRIDGE_BACKLOG_ALERT_MIN=${alertMinutes}; see \`jobs\` in the CLI and the upstream checks for why`,
      };
    },
  };
}

/**
 * AAC refresh tokens live 1–365 days (docs/reference/upstream-contracts.md A.2.1) and cannot be renewed by the bridge once expired: warn
 * `warnDays` ahead (still ready), fail once expired. Unknown expiry (a token that is not a JWT, or no token used
 * yet) is not a problem of its own.
 */
export function aacRefreshTokenCheck(
  expiresAt: () => number | null | undefined,
  now: () => number = Date.now,
  warnDays = 14,
): ReadinessCheck {
  const hint =
    'generate a new token pair in AAC (Profile → User Preferences → OAuth 2.0 API Tokens), set AAC_REFRESH_TOKEN and restart (docs/setup/aac.md)';
  return {
    name: 'aac_refresh_token',
    // the expiry is known once the AAC check has read (or refreshed) the token
    after: ['upstream:aac'],
    run: async () => {
      const at = expiresAt();
      if (at === null || at === undefined) return { ok: true };
      const left = at - now();
      const when = new Date(at).toISOString();
      if (left <= 0)
        return { ok: false, error: 'expired', detail: `the AAC refresh token expired at ${when}`, hint };
      if (left <= warnDays * DAY_MS) {
        return {
          ok: true,
          warning: 'expires_soon',
          detail: `the AAC refresh token expires at ${when} (in ${Math.ceil(left / DAY_MS)} days)`,
          hint,
        };
      }
      return { ok: true };
    },
  };
}
