// Runs the filter and PATCH-path parsers in a worker thread, so that the fuzzer (parser.fuzz.test.ts) can tell a
// hang or a heap blow-up (the worker stops answering, or dies at its heap limit) from an answer, without a timed test.
import { parentPort } from 'node:worker_threads';
import { ScimError } from '../../src/scim/errors.js';
import { parseFilter, parsePatchPath } from '../../src/scim/filter/parser.js';

export interface ParseRequest {
  id: number;
  kind: 'filter' | 'path';
  text: string;
}

/** `ok`, `scim:<status>:<scimType>`, or `crash:<name>: <message>` (any non-SCIM exception is a defect). */
export interface ParseAnswer {
  id: number;
  outcome: string;
}

parentPort?.on('message', ({ id, kind, text }: ParseRequest) => {
  let outcome: string;
  try {
    if (kind === 'filter') parseFilter(text);
    else parsePatchPath(text);
    outcome = 'ok';
  } catch (err) {
    outcome =
      err instanceof ScimError
        ? `scim:${err.status}:${err.scimType ?? ''}`
        : `crash:${(err as Error)?.name}: ${(err as Error)?.message}`;
  }
  parentPort?.postMessage({ id, outcome } satisfies ParseAnswer);
});
