/**
 * Maps items through `fn` with at most `n` calls in flight; results keep the items' order. Used for
 * lookups one document at a time (by _id or another indexed equality), which FerretDB 1.24 serves
 * from an index where an `$in` over the same values reads the whole collection.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  n: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** At most this many single-document operations at once where one lookup per id replaces an $in. */
export const LOOKUPS_IN_FLIGHT = 32;
