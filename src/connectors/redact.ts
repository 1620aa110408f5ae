// Connectors log only through `redact`ed objects, so a token, secret or Authorization header never reaches a log.

const SECRET_KEY = /authorization|token|secret|password|cookie|credential|refresh|assertion|client_?secret/i;
const BEARER_OR_BASIC = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const JWT_LIKE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const MAX_DEPTH = 6;

/** Replaces values under secret-looking keys and token-looking substrings with "[redacted]". */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(item, depth + 1);
  }
  return out;
}

export function redactString(text: string): string {
  return text.replace(BEARER_OR_BASIC, '$1 [redacted]').replace(JWT_LIKE, '[redacted-jwt]');
}
