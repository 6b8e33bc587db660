/**
 * Single-document operations against collection size, on the real FerretDB/MongoDB from
 * MONGODB_URI, with an index on the field searched (as the app declares for every lookup).
 * FerretDB 1.24 on PostgreSQL pushes a top-level equality filter down as `_jsonb -> 'f' @> value`,
 * which only the GIN companions of scripts/lib/gin-companion.sql can serve: with them every row
 * stays flat as the collection grows; without them (or on FerretDB's SQLite backend) each lookup
 * read the whole collection.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:34247/x npx tsx scripts/bench-db-ops.ts [--sizes 1000,10000,100000] [--repeat 20]
 *
 * Prints, per size, the mean time of each operation (ms), and each one's ratio to the smallest size.
 */
import { Types } from 'mongoose';
import { arg, withBenchDb } from './lib/bench.js';

const SIZES = arg('sizes', '1000,10000,100000').split(',').map(Number);
const REPEAT = Number(arg('repeat', '20'));

await withBenchDb('bench_db_ops', async (conn) => {
  const oid = (i: number) => new Types.ObjectId(i.toString(16).padStart(24, '0'));
  const rows: Record<string, string>[] = [];
  for (const size of SIZES) {
    const c = conn.collection(`ops_${size}`);
    await c.createIndex({ v: 1 });
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
        // From the end of the collection: a scan would read everything before the match.
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
      'updateOne by field': await mean((_, i) => c.updateOne({ v: i }, { $set: { w: i } })),
    });
  }
  console.log(`mean ms per operation (${REPEAT} each), indexed field \`v\`:`);
  console.table(rows);
  const first = rows[0];
  if (first && rows.length > 1) {
    console.log(`each size ÷ ${first.size} documents:`);
    console.table(
      rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            k === 'size' ? v : (Number(v) / Number(first[k])).toFixed(2),
          ]),
        ),
      ),
    );
  }
});
