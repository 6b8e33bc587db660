/**
 * Are single-document writes atomic on the server in MONGODB_URI? The app must not rely on what this
 * says is not. Four concurrent experiments, each from separate connections (as separate processes
 * would write):
 *
 * - `$inc`: W writers × K increments on one counter; atomic when the total is W × K.
 * - conditional `updateOne({ _id, owner: null }, { $set: { owner } })`: R rounds of W claimers;
 *   atomic when exactly one wins each round.
 * - `findOneAndUpdate` with the same condition: likewise.
 * - `insertOne` with the same `_id` (a unique index): likewise.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:34247/x npx tsx scripts/check-atomicity.ts [--writers 20] [--incs 50] [--rounds 20]
 */
import mongoose from 'mongoose';
import { arg, withBenchDb } from './lib/bench.js';

const WRITERS = Number(arg('writers', '20'));
const INCS = Number(arg('incs', '50'));
const ROUNDS = Number(arg('rounds', '20'));

await withBenchDb('check_atomicity', async (conn) => {
  // One connection per writer, as from separate processes.
  const uri = conn.getClient().options.hosts.map(String).join(',');
  const dbName = conn.name;
  const writers = await Promise.all(
    Array.from({ length: WRITERS }, () =>
      mongoose.createConnection(`mongodb://${uri}/${dbName}`, { maxPoolSize: 1 }).asPromise(),
    ),
  );
  const col = (i: number) => writers[i]!.collection('atomicity');
  try {
    await col(0).insertOne({ _id: 'counter' as never, n: 0 });
    await Promise.all(
      writers.map(async (_, w) => {
        for (let k = 0; k < INCS; k++)
          await col(w).updateOne({ _id: 'counter' as never }, { $inc: { n: 1 } });
      }),
    );
    const counter = await col(0).findOne({ _id: 'counter' as never });

    const rounds = async (
      claim: (w: number, id: string) => Promise<boolean>,
      setUp?: (id: string) => Promise<void>,
    ) => {
      let winners = 0;
      let exact = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const id = `${Math.random()}`;
        await setUp?.(id);
        const won = (await Promise.all(writers.map((_, w) => claim(w, id)))).filter(Boolean).length;
        winners += won;
        if (won === 1) exact++;
      }
      return `${winners} winners in ${ROUNDS} rounds (${exact} rounds with exactly one)`;
    };
    const setUp = async (id: string) => {
      await col(0).insertOne({ _id: id as never, owner: null });
    };
    const updateOne = await rounds(async (w, id) => {
      const res = await col(w).updateOne({ _id: id as never, owner: null }, { $set: { owner: w } });
      return res.modifiedCount === 1;
    }, setUp);
    const findOneAndUpdate = await rounds(async (w, id) => {
      const doc = await col(w).findOneAndUpdate({ _id: id as never, owner: null }, { $set: { owner: w } });
      return doc !== null;
    }, setUp);
    const insert = await rounds(async (w, id) => {
      try {
        await col(w).insertOne({ _id: id as never, owner: w });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === 11000) return false;
        throw err;
      }
    });
    console.log(`${WRITERS} writers on separate connections:`);
    console.table({
      '$inc on one document': `${counter?.n} of ${WRITERS * INCS}`,
      'conditional updateOne': updateOne,
      'conditional findOneAndUpdate': findOneAndUpdate,
      'insertOne, same _id (unique)': insert,
    });
  } finally {
    await Promise.all(writers.map((c) => c.close()));
  }
});
