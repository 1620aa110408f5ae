// ETag preconditions (RFC 7644 §3.14): resources carry the weak ETag W/"<version>"; a write with If-Match that
// names another version fails with 412 and changes nothing. `*` matches any existing version.
import { ScimError } from '../scim/errors.js';
import { etagOf } from '../scim/render.js';

function parseTags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => t.replace(/^W\//i, ''));
}

export function versionPrecondition(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined) return;
  const tags = parseTags(ifMatch);
  if (tags.includes('*') || tags.includes(`"${version}"`)) return;
  throw new ScimError(412, undefined, `If-Match ${ifMatch} does not match the current version ${etagOf(version)}.`);
}
