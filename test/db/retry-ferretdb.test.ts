import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, type Models } from '../../src/db/models.js';
import { connectMongo } from '../../src/db/mongo.js';
import { transientReason } from '../../src/db/transient-errors.js';
import { type CapturedLogs, captureLogs } from '../support/log-capture.js';
import { type PrivateFerretDb, startPrivateFerretDb } from '../support/private-ferretdb.js';
import { uniqueName } from '../support/services.js';

/**
 * The retry against real failures of FerretDB on PostgreSQL, each made to happen on a FerretDB of
 * this file's own (test/support/private-ferretdb.ts): PostgreSQL refusing connections past a limit,
 * PostgreSQL ending FerretDB's connections, and FerretDB itself killed and started again. Each case
 * first shows the failure reaching a caller without the retry (the driver's own collection), then
 * the same work through the app's models, where nobody sees it.
 */

interface Outcome {
  ok: number;
  errors: unknown[];
}

async function settle(work: Promise<unknown>[]): Promise<Outcome> {
  const results = await Promise.allSettled(work);
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  return { ok: results.length - errors.length, errors };
}

const reasons = (errors: unknown[]) => [...new Set(errors.map((e) => transientReason(e) ?? String(e)))];

function retries(logs: CapturedLogs, operation?: string) {
  return logs.lines.filter(
    (l) => l.msg === 'transient database error, retrying' && (!operation || l.operation === operation),
  );
}

function describeRetries(logs: CapturedLogs): string {
  const all = retries(logs);
  const highest = Math.max(0, ...all.map((l) => Number(l.attempt)));
  const why = [...new Set(all.map((l) => l.reason))].join(', ');
  return `${all.length} retries (${why}), at most ${highest} for one operation`;
}

async function open(
  ferret: PrivateFerretDb,
  logs: CapturedLogs,
): Promise<{ conn: Connection; models: Models }> {
  const conn = await connectMongo(ferret.uri(uniqueName('db')), logs.logger, { attempts: 3, delayMs: 500 });
  return { conn, models: await createModels(conn) };
}

describe('PostgreSQL refuses connections past its limit during a burst (SQLSTATE 53300)', () => {
  let ferret: PrivateFerretDb;
  let conn: Connection;
  let models: Models;
  const logs = captureLogs('warn');
  const N = 300;

  beforeAll(async () => {
    ferret = await startPrivateFerretDb({ connectionLimit: 5 });
    ({ conn, models } = await open(ferret, logs));
  });
  afterAll(async () => {
    await conn?.close();
    await ferret?.stop();
  });

  it('reaches a caller without the retry', async () => {
    const raw = conn.db!.collection<{ _id: number }>('raw');
    await raw.insertOne({ _id: -1 });
    const outcome = await settle(
      Array.from({ length: N }, (_, i) => raw.updateOne({ _id: i }, { $set: { n: i } }, { upsert: true })),
    );
    expect(outcome.errors.length).toBeGreaterThan(0);
    expect(reasons(outcome.errors)).toEqual(['SQLSTATE 53300']);
    console.info(`53300 burst without the retry: ${outcome.errors.length} of ${N} upserts failed`);
  });

  it('is retried for idempotent writes and reads: every one succeeds', async () => {
    const writes = await settle(
      Array.from({ length: N }, (_, i) =>
        models.Subscriber.updateOne(
          { _id: i },
          { $set: { firstName: `P${i}`, subscribed: true, blocked: false } },
          { upsert: true },
        ).exec(),
      ),
    );
    expect(writes).toEqual({ ok: N, errors: [] });
    const reads = await settle(
      Array.from({ length: N }, (_, i) => models.Subscriber.findById(i).lean().exec()),
    );
    expect(reads).toEqual({ ok: N, errors: [] });
    expect(await models.Subscriber.countDocuments({ subscribed: true })).toBe(N);

    const retried = retries(logs, 'Subscriber.updateOne');
    expect(retried.length).toBeGreaterThan(0);
    expect(retried[0]).toMatchObject({ reason: 'SQLSTATE 53300', code: 1, codeName: 'InternalError' });
    expect(logs.text()).not.toMatch(/mongodb:\/\/|postgres:\/\/|PGSQL|too many connections/);
    console.info(`53300 burst: ${N} upserts + ${N} reads over 5 connections, ${describeRetries(logs)}`);
  });

  it('is not retried for $inc: an increment is never applied twice', async () => {
    const outcome = await settle(
      Array.from({ length: N }, (_, i) =>
        models.Counter.updateOne({ _id: `c${i}` }, { $inc: { value: 1 } }, { upsert: true }).exec(),
      ),
    );
    expect(retries(logs, 'Counter.updateOne')).toEqual([]);
    const stored = await models.Counter.find({}).lean().exec();
    expect(stored.every((c) => c.value === 1)).toBe(true);
    expect(stored).toHaveLength(outcome.ok);
    console.info(
      `$inc under the connection limit: ${outcome.ok} applied once, ${outcome.errors.length} failed`,
    );
  });
});

describe("PostgreSQL ends FerretDB's connections mid-operation (pg_terminate_backend)", () => {
  let ferret: PrivateFerretDb;
  let conn: Connection;
  let models: Models;
  const logs = captureLogs('warn');

  beforeAll(async () => {
    ferret = await startPrivateFerretDb();
    ({ conn, models } = await open(ferret, logs));
  });
  afterAll(async () => {
    await conn?.close();
    await ferret?.stop();
  });

  /** Runs `op` in `workers` loops while PostgreSQL ends every FerretDB connection every 100 ms. */
  async function underTermination(workers: number, op: (worker: number, round: number) => Promise<unknown>) {
    let stop = false;
    let terminated = 0;
    const killer = (async () => {
      for (let i = 0; i < 15 && !stop; i++) {
        terminated += await ferret.terminateBackends();
        await new Promise((r) => setTimeout(r, 100));
      }
      stop = true;
    })();
    const outcomes = await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        const work: Promise<unknown>[] = [];
        for (let round = 0; !stop; round++) {
          const p = op(w, round);
          work.push(p);
          await p.catch(() => {});
        }
        return settle(work);
      }),
    );
    await killer;
    return {
      terminated,
      ok: outcomes.reduce((a, o) => a + o.ok, 0),
      errors: outcomes.flatMap((o) => o.errors),
    };
  }

  it('reaches a caller without the retry', async () => {
    const raw = conn.db!.collection<{ _id: string }>('raw');
    // Created before: a collection FerretDB creates while its connection is ended stays half made
    // (every later write: "relation already exists", SQLSTATE 42P07). createModels creates the app's.
    await raw.insertOne({ _id: 'first' });
    const run = await underTermination(8, (w, round) =>
      raw.updateOne({ _id: `${w}:${round}` }, { $set: { round } }, { upsert: true }),
    );
    expect(run.terminated).toBeGreaterThan(0);
    expect(run.errors.length).toBeGreaterThan(0);
    expect(run.errors.filter((e) => transientReason(e) === undefined).map(String)).toEqual([]);
    console.info(
      `pg_terminate_backend without the retry: ${run.errors.length} errors (${reasons(run.errors).join(', ')})`,
    );
  });

  it('is retried for idempotent writes and reads: every one succeeds', async () => {
    const run = await underTermination(8, async (w, round) => {
      const id = w * 100_000 + round;
      await models.Subscriber.findOneAndUpdate(
        { _id: id },
        { $set: { firstName: `W${w}`, subscribed: true }, $addToSet: { segments: 'burst' } },
        { upsert: true },
      ).exec();
      const stored = await models.Subscriber.findById(id).lean().exec();
      if (!stored?.subscribed) throw new Error(`subscriber ${id} was not stored`);
    });
    expect(run.errors).toEqual([]);
    expect(await models.Subscriber.countDocuments({ segments: 'burst' })).toBe(run.ok);
    expect(retries(logs).length).toBeGreaterThan(0);
    console.info(
      `pg_terminate_backend: ${run.terminated} connections ended, ${run.ok} upsert+read pairs, 0 errors, ${describeRetries(logs)}`,
    );
  });
  it('repeats the very same query: options, projections, transforms, aggregations and bulk writes', async () => {
    const Q = 900_000_000;
    await models.Subscriber.insertMany(
      [1, 2, 3].map((n) => ({ _id: Q + n, firstName: `Q${n}`, segments: ['q'], subscribed: true })),
    );
    /** `op` right after PostgreSQL ended this FerretDB's connections, until a run of it was retried. */
    async function retried<T>(operation: string, op: () => Promise<T>): Promise<T> {
      for (let i = 0; i < 20; i++) {
        await models.Subscriber.findById(Q + 1)
          .lean()
          .exec();
        const before = retries(logs, operation).length;
        await ferret.terminateBackends();
        const outcome = await op().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        if (retries(logs, operation).length === before) continue;
        if ('error' in outcome) throw outcome.error;
        return outcome.value;
      }
      throw new Error(`${operation} was never retried`);
    }

    expect(
      await retried('Subscriber.find', () =>
        models.Subscriber.find({ segments: 'q' })
          .sort({ _id: -1 })
          .limit(2)
          .select({ firstName: 1 })
          .lean()
          .exec(),
      ),
    ).toEqual([
      { _id: Q + 3, firstName: 'Q3' },
      { _id: Q + 2, firstName: 'Q2' },
    ]);
    expect(await retried('Subscriber.findOne', () => models.Subscriber.exists({ _id: 2 }))).toEqual({
      _id: 2,
    });
    await expect(
      retried('Subscriber.findOne', () =>
        models.Subscriber.findById(Q + 999)
          .orFail()
          .lean()
          .exec(),
      ),
    ).rejects.toBeInstanceOf(mongoose.Error.DocumentNotFoundError);
    expect(
      await retried('Subscriber.aggregate', () =>
        models.Subscriber.aggregate([
          { $match: { segments: 'q' } },
          { $group: { _id: null, n: { $sum: 1 } } },
        ]).exec(),
      ),
    ).toEqual([{ _id: null, n: 3 }]);
    await retried('Subscriber.bulkWrite', () =>
      models.Subscriber.bulkWrite([
        {
          updateOne: {
            filter: { _id: Q + 4 },
            update: { $set: { firstName: 'Q4', segments: ['q'] } },
            upsert: true,
          },
        },
        { updateOne: { filter: { _id: Q + 1 }, update: { $addToSet: { segments: 'vip' } } } },
      ]),
    );
    expect(
      await models.Subscriber.find({ segments: 'q' }).sort({ _id: 1 }).select({ segments: 1 }).lean(),
    ).toEqual([
      { _id: Q + 1, segments: ['q', 'vip'] },
      { _id: Q + 2, segments: ['q'] },
      { _id: Q + 3, segments: ['q'] },
      { _id: Q + 4, segments: ['q'] },
    ]);
  });
});

describe('FerretDB killed and started again while operations are under way', () => {
  let ferret: PrivateFerretDb;
  let conn: Connection;
  let models: Models;
  const logs = captureLogs('warn');

  beforeAll(async () => {
    ferret = await startPrivateFerretDb();
    ({ conn, models } = await open(ferret, logs));
  });
  afterAll(async () => {
    await conn?.close();
    await ferret?.stop();
  });

  it('hides the dropped connections from idempotent operations', async () => {
    await models.Subscriber.updateOne(
      { _id: 1 },
      { $set: { firstName: 'A', subscribed: true } },
      { upsert: true },
    );
    const N = 200;
    const work = Array.from({ length: N }, (_, i) =>
      models.Subscriber.updateOne(
        { _id: 1000 + i },
        { $set: { firstName: `R${i}`, subscribed: true } },
        { upsert: true },
      ).exec(),
    );
    await ferret.restart(300);
    const outcome = await settle(work);
    expect(outcome).toEqual({ ok: N, errors: [] });
    expect(await models.Subscriber.countDocuments({ _id: { $gte: 1000 } })).toBe(N);
    console.info(`FerretDB restart: ${N} upserts in flight, 0 errors, ${describeRetries(logs)}`);
  });
});
