import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDispatchRepository, type DeliveryResult } from '../../src/db/dispatch.repository.js';
import { createModels, type Models } from '../../src/db/models.js';
import { createReachIndex } from '../../src/db/reach-index.js';
import { createServices, type Services } from '../../src/services/index.js';
import { createTestDb, createTestRedis, type TestDb, testLogger } from '../support/services.js';
import { campaignDoc } from './setup.js';

const HOUR = 3_600_000;

/**
 * Replies credited through the senders' reach index (Redis): the latest delivery per recipient,
 * written with each outcome. The deliveries are searched only when the index cannot answer.
 */
describe('replies through the reach index', () => {
  let db: TestDb;
  let models: Models;
  let redis: Redis;
  let s: Services;
  type Send = (campaignId: number, phone: string, sentAt: Date, status?: 'sent' | 'failed') => Promise<void>;
  /** writes an outcome as a sender does; the index began when `began` says */
  let sender: (began?: Date) => Send;
  let record: Send;
  /** deliveries searched by recipient since the last reset (FerretDB reads them all for that) */
  let searches = 0;
  let nextPhone = 10_000;
  const phone = () => `+4915112${nextPhone++}`;
  const now = Date.now();

  /** A WhatsApp outcome as the role reports it. */
  const outcome = (
    campaignId: number,
    p: string,
    sentAt: Date,
    status: 'sent' | 'failed' = 'sent',
  ): DeliveryResult => ({
    item: { recipient: `wa:${p}`, seq: 0, pass: 0, chatId: 0, kind: 'private', phone: p, name: '' },
    status,
    attempts: 1,
    chatId: 0,
    owner: 'test',
    sendingAt: sentAt,
    at: sentAt,
    ...(status === 'sent' ? { messageId: `wamid.${campaignId}.${p}` } : { reason: 'network' as const }),
  });

  beforeAll(async () => {
    db = await createTestDb();
    models = await createModels(db.conn);
    redis = createTestRedis();
    s = createServices({
      models,
      logger: testLogger,
      config: { ADMIN_IDS: [1], DEFAULT_TIMEZONE: 'UTC' },
      redis,
    });
    sender = (began) => {
      const reach = createReachIndex(redis, {
        database: models.Campaign.db.name,
        ttlMs: 96 * HOUR,
        ...(began ? { clock: () => began } : {}),
      });
      const repo = createDispatchRepository(models, { counters: s.counters, reach });
      return async (campaignId, p, sentAt, status = 'sent') => {
        await repo.recordResults(campaignId, 1, [outcome(campaignId, p, sentAt, status)]);
      };
    };
    // The index of this database began ten days ago (a sender recorded its first outcome then).
    record = sender(new Date(now - 240 * HOUR));
    await models.Campaign.collection.insertMany(
      Array.from({ length: 13 }, (_, i) =>
        campaignDoc(i + 1, { status: i + 1 === 10 ? 'cancelled' : 'published' }),
      ) as never[],
    );
    mongoose.set('debug', (collection: string, method: string, query: Record<string, unknown>) => {
      if (collection === 'deliveries' && method === 'findOne' && 'recipient' in query) searches++;
    });
  });
  beforeEach(() => {
    searches = 0;
  });
  afterAll(async () => {
    mongoose.set('debug', false);
    await redis.quit();
    await db.drop();
  });

  const reply = (p: string, at: Date) =>
    s.responses.record({ platform: 'whatsapp', phone: p, text: 'How much?', at });

  it('credits a reply to the latest campaign that reached the sender without searching the deliveries', async () => {
    const p = phone();
    await record(1, p, new Date(now - 2 * HOUR));
    await record(2, p, new Date(now - HOUR));
    expect(await reply(p, new Date(now))).toMatchObject({
      campaignId: 2,
      run: 1,
      first: true,
      responseMs: HOUR,
    });
    expect(searches).toBe(0);
  });

  it('answers a message from someone no campaign reached, or whose delivery failed, without a search', async () => {
    const failed = phone();
    await record(3, failed, new Date(now - HOUR), 'failed');
    expect(await reply(phone(), new Date(now))).toBeNull();
    expect(await reply(failed, new Date(now))).toBeNull();
    expect(searches).toBe(0);
  });

  it('keeps the latest campaign when an earlier one records its outcome after it', async () => {
    const p = phone();
    await record(5, p, new Date(now - HOUR));
    await record(4, p, new Date(now - 2 * HOUR));
    expect(await reply(p, new Date(now))).toMatchObject({ campaignId: 5 });
    expect(searches).toBe(0);
  });

  it('does not credit a reply after the window', async () => {
    const p = phone();
    await record(6, p, new Date(now - 80 * HOUR));
    expect(await reply(p, new Date(now))).toBeNull();
  });

  it('credits the campaign before when the reply was written before the latest one arrived', async () => {
    const p = phone();
    await record(7, p, new Date(now - 3 * HOUR));
    await record(8, p, new Date(now - HOUR));
    expect(await reply(p, new Date(now - 2 * HOUR))).toMatchObject({ campaignId: 7, responseMs: HOUR });
  });

  it('credits the campaign before when the latest one was deleted (cancelled mid-run, then deleted)', async () => {
    const p = phone();
    await record(9, p, new Date(now - 3 * HOUR));
    await record(10, p, new Date(now - HOUR));
    await s.campaigns.remove(10, 1);
    expect(await reply(p, new Date(now))).toMatchObject({ campaignId: 9 });
  });

  it('still credits a reply while Redis is unreachable', async () => {
    const p = phone();
    await record(13, p, new Date(now - HOUR));
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    down.on('error', () => {});
    try {
      const offline = createServices({
        models,
        logger: testLogger,
        config: { ADMIN_IDS: [1], DEFAULT_TIMEZONE: 'UTC' },
        redis: down,
      });
      const r = await offline.responses.record({
        platform: 'whatsapp',
        phone: p,
        text: 'Hi?',
        at: new Date(now),
      });
      expect(r).toMatchObject({ campaignId: 13, first: true });
      // Its count waits for Redis (nothing is lost while this process runs); this test gives up on it.
      await offline.counters.close();

      // A sender that cannot write the link writes nothing, so the outcome is tried again whole
      // (and counted then) rather than found already written.
      const q = phone();
      const offlineRepo = createDispatchRepository(models, {
        counters: s.counters,
        reach: createReachIndex(down, { database: models.Campaign.db.name, ttlMs: HOUR }),
      });
      await expect(offlineRepo.recordResults(13, 1, [outcome(13, q, new Date(now))])).rejects.toThrow();
      expect(await models.Delivery.countDocuments({ recipient: `wa:${q}` })).toBe(0);
      const again = await createDispatchRepository(models, { counters: s.counters }).recordResults(13, 1, [
        outcome(13, q, new Date(now)),
      ]);
      expect(again).toHaveLength(1);
    } finally {
      down.disconnect();
    }
  });

  it('still credits replies when Redis lost the index, or for deliveries sent before it began', async () => {
    const p = phone();
    await record(11, p, new Date(now - HOUR));
    const keys = await redis.keys(`mb:${models.Campaign.db.name}:reach:*`);
    expect(keys.length).toBeGreaterThan(1);
    await redis.del(...keys);
    expect(await reply(p, new Date(now))).toMatchObject({ campaignId: 11 });
    // The next outcome starts the index again, now: the window before it is searched.
    await sender()(12, phone(), new Date(now));
    expect(await redis.get(`mb:${models.Campaign.db.name}:reach:~since`)).not.toBeNull();
    expect(await reply(p, new Date(now + 1000))).toMatchObject({ campaignId: 11, first: false });
  });
});
