/**
 * Maps items through `op` with at most `limit` calls in flight; results keep the items' order.
 * Used for lookups one document at a time (by _id or another indexed equality), which FerretDB
 * 1.24 serves from an index where an `$in` over the same values reads the whole collection.
 */
export async function mapInParallel<T, R>(
  items: readonly T[],
  limit: number,
  op: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await op(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
