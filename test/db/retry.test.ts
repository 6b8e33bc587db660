import { mongo } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { backoffDelay, createDbRetry, DEFAULT_RETRY_POLICY } from '../../src/db/db-retry.js';
import { isSafeToRepeat, isSafeToRepeatBulk, isSafeToRepeatPipeline } from '../../src/db/safe-to-repeat.js';
import { transientReason } from '../../src/db/transient-errors.js';
import { captureLogs } from '../support/log-capture.js';

const server = (code: number, errmsg: string, extra: Record<string, unknown> = {}) =>
  new mongo.MongoServerError({ ok: 0, code, errmsg, ...extra });
/** What FerretDB answers when PostgreSQL (or SQLite) fails under it: InternalError with the backend's text. */
const ferret = (text: string) =>
  server(
    1,
    `[msg_update.go:117 handler.(*Handler).updateDocument] [collection.go:109 postgresql.(*collection).Query] ${text}`,
    {
      codeName: 'InternalError',
    },
  );

describe('transient database errors', () => {
  it('knows the driver’s network errors and a server that cannot be selected', async () => {
    expect(transientReason(new mongo.MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'))).toBe(
      'network',
    );
    expect(transientReason(new mongo.MongoNetworkTimeoutError('connection timed out'))).toBe('network');
    // A real one: nothing listens on port 1.
    const client = new mongo.MongoClient('mongodb://127.0.0.1:1/x', { serverSelectionTimeoutMS: 200 });
    const err = await client
      .db()
      .command({ ping: 1 })
      .catch((e: unknown) => e);
    await client.close();
    expect(err).toBeInstanceOf(mongo.MongoServerSelectionError);
    expect(transientReason(err)).toBe('no server available');
  });

  it('knows a primary stepping down, shutting down or unreachable, by code', () => {
    const cases: [number, string][] = [
      [189, 'PrimarySteppedDown'],
      [10107, 'NotWritablePrimary'],
      [91, 'ShutdownInProgress'],
      [11600, 'InterruptedAtShutdown'],
      [11602, 'InterruptedDueToReplStateChange'],
      [6, 'HostUnreachable'],
      [89, 'NetworkTimeout'],
      [9001, 'SocketException'],
      [262, 'ExceededTimeLimit'],
    ];
    for (const [code, name] of cases) expect(transientReason(server(code, 'x')), name).toBe(name);
    expect(transientReason(server(2, 'x', { errorLabels: ['RetryableWriteError'] }))).toBe(
      'label RetryableWriteError',
    );
  });

  it('reads what FerretDB wraps: PostgreSQL SQLSTATEs, a lost backend connection, SQLITE_BUSY', () => {
    expect(
      transientReason(
        ferret(
          'failed to connect to `user=u database=d`: /tmp/pg/.s.PGSQL.5432 (/tmp/pg): server error: FATAL: too many connections for database "d" (SQLSTATE 53300)',
        ),
      ),
    ).toBe('SQLSTATE 53300');
    for (const state of ['40001', '40P01', '57P01', '57P02', '57P03', '08006', '08P01']) {
      expect(transientReason(ferret(`ERROR: something (SQLSTATE ${state})`))).toBe(`SQLSTATE ${state}`);
    }
    expect(
      transientReason(ferret('write failed: write unix @->/tmp/pg/.s.PGSQL.5432: write: broken pipe')),
    ).toBe('backend connection lost');
    expect(transientReason(ferret('failed to receive message: unexpected EOF'))).toBe(
      'backend connection lost',
    );
    expect(transientReason(ferret('database is locked (5) (SQLITE_BUSY)'))).toBe('SQLITE_BUSY');
  });

  it('leaves everything else alone', () => {
    expect(transientReason(server(11000, 'E11000 duplicate key error collection: db.c'))).toBeUndefined();
    expect(transientReason(ferret('ERROR: relation "c_1" already exists (SQLSTATE 42P07)'))).toBeUndefined();
    // A SQLSTATE decides, even in a connection failure: a wrong password will not get better.
    expect(
      transientReason(
        ferret('failed to connect to `user=u`: password authentication failed (SQLSTATE 28P01)'),
      ),
    ).toBeUndefined();
    // The backend's words count only in FerretDB's InternalError.
    expect(transientReason(server(11000, 'E11000 dup key: { name: "broken pipe" }'))).toBeUndefined();
    expect(transientReason(server(2, 'BadValue'))).toBeUndefined();
    expect(transientReason(new Error('broken pipe'))).toBeUndefined();
    expect(transientReason('SQLITE_BUSY')).toBeUndefined();
    expect(transientReason(undefined)).toBeUndefined();
  });
});

describe('what is safe to repeat', () => {
  const one = (update: unknown, filter: Record<string, unknown> = { _id: 7 }) =>
    isSafeToRepeat({ op: 'updateOne', filter, update });

  it('repeats reads and deletes of many', () => {
    for (const op of [
      'find',
      'findOne',
      'countDocuments',
      'estimatedDocumentCount',
      'distinct',
      'deleteMany',
    ]) {
      expect(isSafeToRepeat({ op, filter: { status: 'x' } }), op).toBe(true);
    }
  });

  it('repeats updates made of $set, $unset, $setOnInsert, $addToSet, $pull, $max, $min, and their upserts', () => {
    expect(one({ $set: { a: 1 }, $setOnInsert: { b: 2 } })).toBe(true);
    expect(one({ $unset: { a: 1 }, $addToSet: { tags: 'x' }, $pull: { groups: 3 } })).toBe(true);
    expect(one({ $max: { seen: new Date() }, $min: { first: new Date() } })).toBe(true);
    expect(one({ a: 1 }), 'fields without an operator are a $set').toBe(true);
    expect(isSafeToRepeat({ op: 'findOneAndUpdate', filter: { _id: 7 }, update: { $set: { a: 1 } } })).toBe(
      true,
    );
    expect(isSafeToRepeat({ op: 'updateMany', filter: { a: 1 }, update: { $set: { a: 2 } } })).toBe(true);
  });

  it('never repeats $inc, $push or other updates a second run would change again', () => {
    expect(one({ $inc: { n: 1 } })).toBe(false);
    expect(one({ $push: { log: 'x' } })).toBe(false);
    expect(one({ $set: { a: 1 }, $inc: { n: 1 } })).toBe(false);
    expect(one({ $currentDate: { at: true } })).toBe(false);
    expect(one({ $mul: { n: 2 } })).toBe(false);
    expect(one([{ $set: { a: 1 } }]), 'an update pipeline').toBe(false);
    expect(isSafeToRepeat({ op: 'updateMany', filter: {}, update: { $inc: { n: 1 } } })).toBe(false);
  });

  it('repeats a single-document write only when it lands on the same document', () => {
    expect(one({ $set: { status: 'taken' } }, { _id: 7, status: 'due' }), 'named by _id').toBe(true);
    expect(one({ $set: { status: 'taken' } }, { _id: { $eq: 7 } })).toBe(true);
    expect(one({ $set: { note: 'x' } }, { status: 'due' }), 'the filter stays true').toBe(true);
    expect(one({ $set: { status: 'taken' } }, { status: 'due' }), 'a claim would take a second one').toBe(
      false,
    );
    expect(one({ $set: { profile: { a: 1 } } }, { 'profile.a': 0 })).toBe(false);
    expect(one({ $set: { a: 1 } }, { $or: [{ b: 1 }, { c: 1 }] })).toBe(false);
    expect(one({ $set: { a: 1 } }, { _id: { $in: [1, 2] } })).toBe(true);
    expect(isSafeToRepeat({ op: 'deleteOne', filter: { _id: 7 } })).toBe(true);
    expect(isSafeToRepeat({ op: 'findOneAndDelete', filter: { _id: 7 } })).toBe(true);
    expect(isSafeToRepeat({ op: 'deleteOne', filter: { status: 'old' } }), 'would delete a second one').toBe(
      false,
    );
    expect(isSafeToRepeat({ op: 'replaceOne', filter: { _id: 7 }, update: { name: 'x' } })).toBe(true);
    expect(isSafeToRepeat({ op: 'replaceOne', filter: { name: 'a' }, update: { name: 'b' } })).toBe(false);
  });

  it('never repeats an insert or an operation it does not know', () => {
    for (const op of ['insertOne', 'insertMany', 'save', 'create', 'findOneAndRemove', '']) {
      expect(isSafeToRepeat({ op, filter: { _id: 1 }, update: { $set: { a: 1 } } }), op).toBe(false);
    }
  });

  it('repeats aggregations that only read, and bulk writes made of safe operations', () => {
    expect(isSafeToRepeatPipeline([{ $match: { a: 1 } }, { $group: { _id: '$b', n: { $sum: 1 } } }])).toBe(
      true,
    );
    expect(isSafeToRepeatPipeline([{ $match: {} }, { $out: 'copy' }])).toBe(false);
    expect(isSafeToRepeatPipeline([{ $merge: { into: 'copy' } }])).toBe(false);

    const upsert = { updateOne: { filter: { _id: 1 }, update: { $setOnInsert: { a: 1 } }, upsert: true } };
    expect(isSafeToRepeatBulk([upsert, { deleteMany: { filter: { a: 2 } } }])).toBe(true);
    expect(
      isSafeToRepeatBulk([{ replaceOne: { filter: { _id: 1 }, replacement: { a: 1 }, upsert: true } }]),
    ).toBe(true);
    expect(isSafeToRepeatBulk([upsert, { insertOne: { document: { _id: 2 } } }])).toBe(false);
    expect(isSafeToRepeatBulk([{ updateOne: { filter: { _id: 1 }, update: { $inc: { n: 1 } } } }])).toBe(
      false,
    );
  });
});

describe('the retry', () => {
  const steppedDown = () =>
    server(189, 'not primary: mongodb://admin:s3cret@db-1:27017', { codeName: 'PrimarySteppedDown' });

  it('waits twice as long each time, half of it at random, up to the ceiling', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect([backoffDelay(1, p, () => 0), backoffDelay(1, p, () => 1)]).toEqual([25, 50]);
    expect([backoffDelay(2, p, () => 0), backoffDelay(2, p, () => 1)]).toEqual([50, 100]);
    expect([backoffDelay(6, p, () => 0), backoffDelay(6, p, () => 1)]).toEqual([800, 1600]);
    expect([backoffDelay(7, p, () => 0), backoffDelay(7, p, () => 1)]).toEqual([1000, 2000]);
    expect(backoffDelay(30, p, () => 0.5)).toBe(1500);
  });

  it('hides transient errors, logging each retry by operation, attempt, code and name only', async () => {
    const logs = captureLogs('debug');
    const waits: number[] = [];
    const retry = createDbRetry({
      logger: logs.logger,
      sleep: async (ms) => waits.push(ms),
      random: () => 0,
    });
    let calls = 0;
    const result = await retry.run('Subscriber.updateOne', async () => {
      calls++;
      if (calls === 1) throw steppedDown();
      if (calls === 2) throw ferret('write failed: write unix @->/srv/pg/.s.PGSQL.5432: write: broken pipe');
      return 'stored';
    });

    expect(result).toBe('stored');
    expect(waits).toEqual([25, 50]);
    expect(
      logs.lines.map(({ msg, operation, attempt, reason, code, codeName, errName }) => ({
        msg,
        operation,
        attempt,
        reason,
        code,
        codeName,
        errName,
      })),
    ).toEqual([
      {
        msg: 'transient database error, retrying',
        operation: 'Subscriber.updateOne',
        attempt: 1,
        reason: 'PrimarySteppedDown',
        code: 189,
        codeName: 'PrimarySteppedDown',
        errName: 'MongoServerError',
      },
      {
        msg: 'transient database error, retrying',
        operation: 'Subscriber.updateOne',
        attempt: 2,
        reason: 'backend connection lost',
        code: 1,
        codeName: 'InternalError',
        errName: 'MongoServerError',
      },
    ]);
    expect(logs.text()).not.toMatch(/mongodb:\/\/|s3cret|PGSQL|broken pipe/);
  });

  it('gives up after the bound and rethrows the last error as it came', async () => {
    const logs = captureLogs('warn');
    const retry = createDbRetry({ logger: logs.logger, policy: { attempts: 4 }, sleep: async () => {} });
    const errors = Array.from({ length: 4 }, steppedDown);
    let calls = 0;
    const thrown = await retry
      .run('Campaign.findOne', async () => {
        throw errors[calls++];
      })
      .catch((e: unknown) => e);

    expect(calls).toBe(4);
    expect(thrown).toBe(errors[3]);
    expect(logs.lines.map((l) => [l.msg, l.attempt])).toEqual([
      ['transient database error, retrying', 1],
      ['transient database error, retrying', 2],
      ['transient database error, retrying', 3],
      ['database operation still failing, giving up', 4],
    ]);
  });

  it('does not retry an error that is not transient', async () => {
    const logs = captureLogs('debug');
    const retry = createDbRetry({ logger: logs.logger, sleep: async () => {} });
    const duplicate = server(11000, 'E11000 duplicate key error');
    let calls = 0;
    await expect(
      retry.run('Campaign.updateOne', async () => {
        calls++;
        throw duplicate;
      }),
    ).rejects.toBe(duplicate);
    expect(calls).toBe(1);
    expect(logs.lines).toEqual([]);
  });
});
