// ETag preconditions (RFC 7644 §3.14): resources carry the weak ETag W/"<version>"; a write with If-Match that
// names another version fails with 412 and changes nothing. `*` matches any existing version.
import { VersionMismatch } from './errors.js';
import { etagMatches, etagOf } from '../scim/render.js';

export function versionPrecondition(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined || etagMatches(ifMatch, version)) return;
  throw new VersionMismatch(`If-Match ${ifMatch} does not match the current version ${etagOf(version)}.`);
}
