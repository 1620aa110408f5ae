// Small helpers on arrays and time that several layers need; dependency-free.

/** Splits `items` into consecutive slices of at most `size` (upstream batch sizes, SQL `IN (…)` lists). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
