import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../src/shared/mutex.js';
import { MicroBatcher } from '../../src/connectors/micro-batcher.js';

describe('MicroBatcher', () => {
  it('groups items arriving within the window and routes each result or failure to its caller', async () => {
    const batches: string[][] = [];
    const batcher = new MicroBatcher<string, string>({
      windowMs: 20,
      maxBatchSize: 100,
      send: (items) => {
        batches.push(items);
        return Promise.resolve(
          items.map((item) =>
            item.startsWith('bad')
              ? { ok: false, error: new Error(item) }
              : { ok: true, value: item.toUpperCase() },
          ),
        );
      },
    });
    const results = await Promise.allSettled(['a', 'bad-b', 'c'].map((item) => batcher.add(item)));
    expect(batches).toEqual([['a', 'bad-b', 'c']]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'A',
      'bad-b',
      'C',
    ]);
    await batcher.close();
  });

  it('sends as soon as maxBatchSize is reached and rejects every waiter when the batch call fails', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      windowMs: 10_000,
      maxBatchSize: 2,
      send: (items) => {
        batches.push(items);
        return items.includes(3)
          ? Promise.reject(new Error('down'))
          : Promise.resolve(items.map((value) => ({ ok: true, value })));
      },
    });
    const started = Date.now();
    const settled = await Promise.allSettled([1, 2, 3, 4].map((item) => batcher.add(item)));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });

  it('a lone item waits only about the window', async () => {
    const batcher = new MicroBatcher<number, number>({
      windowMs: 10,
      maxBatchSize: 100,
      send: (items) => Promise.resolve(items.map((value) => ({ ok: true, value }))),
    });
    const started = performance.now();
    await batcher.add(1);
    expect(performance.now() - started).toBeLessThan(60);
  });
});

describe('KeyedMutex', () => {
  it('serialises work per key and lets other keys run in parallel', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const task = (key: string, name: string, ms: number) =>
      mutex.run(key, async () => {
        events.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push(`end ${name}`);
      });
    await Promise.all([task('a', 'a1', 30), task('a', 'a2', 1), task('b', 'b1', 1)]);
    expect(events.indexOf('end a1')).toBeLessThan(events.indexOf('start a2'));
    expect(events.indexOf('start b1')).toBeLessThan(events.indexOf('end a1'));
  });
});

describe('MicroBatcher busy window', () => {
  const echo = (batches: number[][]) => (items: number[]) => {
    batches.push(items);
    return Promise.resolve(items.map((value) => ({ ok: true as const, value })));
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('widens the window while batches keep coming, so a burst needs fewer calls', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      windowMs: 5,
      busyWindowMs: 200,
      maxBatchSize: 100,
      send: echo(batches),
    });
    // Two items together: a batch with company, so the next window is the busy one.
    await Promise.all([batcher.add(1), batcher.add(2)]);
    // Items 20 ms apart: each would be alone in a 5 ms window; the 200 ms window gathers them.
    const later = [batcher.add(3)];
    for (const item of [4, 5, 6]) {
      await sleep(20);
      later.push(batcher.add(item));
    }
    await Promise.all(later);
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5, 6],
    ]);
  });

  it('keeps the short window for lone requests', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      windowMs: 5,
      busyWindowMs: 10_000,
      maxBatchSize: 100,
      send: echo(batches),
    });
    const started = performance.now();
    await batcher.add(1);
    await batcher.add(2);
    // Alone each time: never the busy window.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(batches).toEqual([[1], [2]]);
  });
});
