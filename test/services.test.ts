import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, createTestRedis, type TestDb, uniqueName } from './support/services.js';

// The suite talks to the real FerretDB and Redis that scripts/test started; these two checks make
// sure of it (a missing service fails here, it never skips).
describe('real services', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('writes a document through mongoose and reads it back, enforcing a unique index', async () => {
    const Probe = db.conn.model('Probe', new Schema({ key: { type: String, unique: true }, n: Number }));
    await Probe.init();
    await Probe.create({ key: 'a', n: 1 });
    await expect(Probe.create({ key: 'a', n: 2 })).rejects.toMatchObject({ code: 11000 });
    const back = await Probe.findOneAndUpdate({ key: 'a' }, { $inc: { n: 41 } }, { returnDocument: 'after' })
      .lean()
      .exec();
    expect(back?.n).toBe(42);
    const build = await db.conn.db!.admin().command({ buildInfo: 1 });
    expect(build.version).toMatch(/^\d+\.\d+/);
  });

  it('round-trips a value through Redis', async () => {
    const redis = createTestRedis();
    const key = uniqueName('probe');
    await redis.set(key, 'hello', 'EX', 30);
    expect(await redis.get(key)).toBe('hello');
    await redis.del(key);
    await redis.quit();
  });
});
