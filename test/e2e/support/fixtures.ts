// Loads the IdP request fixtures (test/fixtures/idp, copied from docs/reference/idp-cases.md) and fills in the ids
// captured from earlier responses ({uid}, {gid}, {u1}…), as the catalog's §0.2 says.
import fs from 'node:fs';
import path from 'node:path';

export interface IdpRequest {
  case: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

const FIXTURE_DIR = path.join(import.meta.dirname, '..', '..', 'fixtures', 'idp');

/** `file` is e.g. `okta/OK-03-create-user.json`; every `{name}` placeholder is replaced by `ids[name]`. */
export function idpRequest(file: string, ids: Record<string, string> = {}): IdpRequest {
  let text = fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8');
  for (const [name, value] of Object.entries(ids)) text = text.split(`{${name}}`).join(value);
  const parsed = JSON.parse(text) as {
    case: string;
    request: {
      method: string;
      path: string;
      headers?: Record<string, string>;
      body?: Record<string, unknown>;
    };
  };
  const headers = { ...parsed.request.headers };
  // supertest sets its own encoding; keep the vendor's content type and user agent
  delete headers['Accept-Encoding'];
  return {
    case: parsed.case,
    method: parsed.request.method,
    path: parsed.request.path,
    headers,
    body: parsed.request.body,
  };
}
