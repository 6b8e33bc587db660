/**
 * Single-document operations against collection size, on the real FerretDB/MongoDB from
 * MONGODB_URI. FerretDB 1.24 (SQLite) has no usable index: every lookup reads the collection
 * until it finds its match, so the operations here work on the last documents. A filter on `_id`
 * alone is evaluated inside SQLite, many times cheaper per document than any other filter
 * (decoded and matched by FerretDB), but it still grows with the collection; only an insert does
 * not. This is why the dispatcher writes first outcomes as inserts, why replies find their
 * campaign through the reach index in Redis, and why per-delivery updates (receipts, clicks, first
 * replies) cost more as deliveries accumulate. On MongoDB every row stays flat.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:34247/x npx tsx scripts/bench-db-ops.ts [--sizes 1000,10000] [--repeat 10]
 *
 * Prints, per size, the mean time of each operation (ms).
 */
import { Types } from 'mongoose';
import { arg, withBenchDb } from './lib/bench.js';

const SIZES = arg('sizes', '1000,10000').split(',').map(Number);
const REPEAT = Number(arg('repeat', '10'));

await withBenchDb('bench_db_ops', async (conn) => {
  const oid = (i: number) => new Types.ObjectId(i.toString(16).padStart(24, '0'));
  const rows: Record<string, string>[] = [];
  for (const size of SIZES) {
    const c = conn.collection(`ops_${size}`);
    for (let i = 0; i < size; i += 1000) {
      const n = Math.min(1000, size - i);
      await c.insertMany(
        Array.from({ length: n }, (_, k) => ({ _id: oid(i + k), v: i + k, pad: 'x'.repeat(300) })),
      );
    }
    let next = 0;
    const mean = async (op: (id: Types.ObjectId, i: number) => Promise<unknown>) => {
      const t = performance.now();
      for (let k = 0; k < REPEAT; k++) {
        // From the end of the collection: a scan reads everything before the match.
        const i = size - 1 - (next++ % size);
        await op(oid(i), i);
      }
      return ((performance.now() - t) / REPEAT).toFixed(1);
    };
    rows.push({
      size: String(size),
      insertOne: await mean((_, i) => c.insertOne({ _id: oid(size + i), v: -1 })),
      'findOne by _id': await mean((id) => c.findOne({ _id: id })),
      'updateOne by _id': await mean((id, i) => c.updateOne({ _id: id }, { $set: { v: -i } })),
      'findOneAndUpdate by _id': await mean((id, i) => c.findOneAndUpdate({ _id: id }, { $set: { v: -i } })),
      'deleteOne by _id': await mean((id) => c.deleteOne({ _id: id })),
      'findOne by field': await mean((_, i) => c.findOne({ v: i })),
    });
  }
  console.log(`mean ms per operation (${REPEAT} each):`);
  console.table(rows);
});
