// Property: the filter and PATCH-path parsers end on every input, within a bound, with a parse or a SCIM 400 —
// never a hang, a heap blow-up or a non-SCIM exception (a stack overflow, a TypeError). They run in a worker thread
// with a heap limit: a hang shows as a worker that stops answering (the bound below is generous, 5 s for inputs
// that take microseconds, so machine load cannot make it flaky), a heap blow-up as a worker that dies.
// Issue 8, defect 1 (U+00A0 made tokenize() push empty words forever) fails this property within a few runs.
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_SEED, filterText, fuzzParameters, fuzzTimeout, patchPathText } from './arbitraries.js';
import type { ParseAnswer, ParseRequest } from './parse-worker.js';

const BOUND_MS = 5_000;
/** runs per property inside `npm test` (about a second each); FUZZ_RUNS overrides */
const RUNS = 1500;

/** One parser worker; replaced after a hang or a crash so that shrinking can go on. */
class ParserWorker {
  private worker: Worker | undefined;
  private next = 1;

  private start(): Worker {
    this.worker ??= new Worker(new URL('./parse-worker.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: 192, stackSizeMb: 4 },
    });
    return this.worker;
  }

  /** The parser's outcome, or `hang` / `died: …` when the worker did not answer within the bound. */
  parse(kind: ParseRequest['kind'], text: string): Promise<string> {
    const worker = this.start();
    const id = this.next++;
    return new Promise<string>((resolve) => {
      const done = (outcome: string, restart: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (restart) {
          this.worker = undefined;
          void worker.terminate();
        }
        resolve(outcome);
      };
      const onMessage = (answer: ParseAnswer) => {
        if (answer.id === id) done(answer.outcome, false);
      };
      const onError = (err: Error) => done(`died: ${err.message}`, true);
      const onExit = (code: number) => done(`died: exit ${code}`, true);
      const timer = setTimeout(() => done(`hang: no answer within ${BOUND_MS} ms`, true), BOUND_MS);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ id, kind, text } satisfies ParseRequest);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

describe(`parsers terminate on any input (fuzz seed ${FUZZ_SEED})`, () => {
  const worker = new ParserWorker();
  beforeAll(() => worker.parse('filter', 'userName eq "warm-up"'));
  afterAll(() => worker.close());

  it(
    'parseFilter answers every filter with a tree or a 400 invalidFilter',
    async () => {
      await fc.assert(
        fc.asyncProperty(filterText, async (text) => {
          const outcome = await worker.parse('filter', text);
          expect(outcome).toMatch(/^(ok|scim:400:invalidFilter)$/);
        }),
        fuzzParameters(RUNS, false),
      );
    },
    fuzzTimeout(RUNS, 2),
  );

  it(
    'parsePatchPath answers every path with a path or a 400 invalidPath',
    async () => {
      await fc.assert(
        fc.asyncProperty(patchPathText, async (text) => {
          const outcome = await worker.parse('path', text);
          expect(outcome).toMatch(/^(ok|scim:400:invalidPath)$/);
        }),
        fuzzParameters(RUNS, false),
      );
    },
    fuzzTimeout(RUNS, 2),
  );
});
