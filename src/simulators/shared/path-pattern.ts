// Patterns used by fault rules and AAC rate-limit rules to name the routes they apply to.
// Syntax: `*` matches one path segment, `**` matches any number of segments (also none), everything else is literal.
// Example: `/v4/workspaces/*/people/**` matches `/v4/workspaces/31429/people/batch`.

export type PathMatcher = (path: string) => boolean;

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

export function compilePathPattern(pattern: string): PathMatcher {
  const source = pattern
    .split('/')
    .map((segment) => {
      if (segment === '**') return '(?:/.*)?';
      const escaped = escapeRegExp(segment).replace(/\*/g, '[^/]*');
      return segment === '' ? '' : `/${escaped}`;
    })
    .join('');
  const regex = new RegExp(`^${source}/?$`);
  return (path) => regex.test(path);
}

export function methodMatches(expected: string | undefined, actual: string): boolean {
  return expected === undefined || expected === '*' || expected.toUpperCase() === actual.toUpperCase();
}
