import { randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryId } from '../../src/db/dispatch.repository.js';
import { createModels, type Models } from '../../src/db/models.js';
import { defaultAudience } from '../../src/domain/campaign.js';
import {
  AUTO_REPLY_LIMIT,
  CONFIDENCE_THRESHOLD,
  type Intent,
  MAX_EXAMPLES,
  MAX_INTENTS,
} from '../../src/domain/training.js';
import { createServices, type RoutedReply, type Services } from '../../src/services/index.js';
import { createTrainingService } from '../../src/services/training.service.js';
import { trainClassifier, trainInWorker } from '../../src/services/training-classifier.js';
import { createTestDb, createTestRedis, type TestDb, testLogger } from '../support/services.js';
import {
  HELD_OUT_EN,
  HELD_OUT_RU,
  SALE_INTENTS_EN,
  SALE_INTENTS_RU,
  UNRELATED_EN,
} from './fixtures/training-sets.js';
import { campaignDoc, OWNER } from './setup.js';

const SALE = 1;
const TG_DM = 2;
const TG_GROUPS = 3;
const RU = 4;
const EMPTY = 5;

/** Accuracy on held-out paraphrases, computed from the model's answers. */
async function accuracy(s: Services, campaignId: number, cases: [string, string][]) {
  let right = 0;
  const misses: string[] = [];
  for (const [text, expected] of cases) {
    const r = await s.training.test(campaignId, text);
    if (r.intent === expected) right += 1;
    else misses.push(`${text} → ${r.intent} (${r.confidence.toFixed(2)})`);
  }
  return { right, total: cases.length, share: right / cases.length, misses };
}

describe('training service', () => {
  let db: TestDb;
  let models: Models;
  let redis: Redis;
  let s: Services;
  const routed: RoutedReply[] = [];

  async function delivered(campaignId: number, recipient: string) {
    const sentAt = new Date(Date.now() - 60_000);
    await models.Delivery.collection.insertOne({
      _id: deliveryId(campaignId, 0, recipient),
      campaignId,
      run: 0,
      recipient,
      seq: 0,
      platform: recipient.startsWith('wa:') ? 'whatsapp' : 'telegram',
      status: 'sent',
      attempts: 1,
      sentAt,
      createdAt: sentAt,
      updatedAt: sentAt,
    } as never);
  }

  async function addIntents(campaignId: number, intents: Intent[]) {
    for (const intent of intents) await s.training.saveIntent(campaignId, intent, OWNER);
  }

  beforeAll(async () => {
    db = await createTestDb();
    models = await createModels(db.conn);
    redis = createTestRedis();
    s = createServices({
      models,
      logger: testLogger,
      config: { ADMIN_IDS: [OWNER], DEFAULT_TIMEZONE: 'UTC' },
      redis,
    });
    s.training.useRouter(async (r) => {
      routed.push(r);
    });
    await models.Campaign.insertMany([
      campaignDoc(SALE, { name: 'Summer Super Sale', status: 'published' }),
      campaignDoc(TG_DM, {
        name: 'Telegram DM offer',
        platform: 'telegram',
        status: 'published',
        audience: { ...defaultAudience('telegram'), allSubscribers: true },
      }),
      campaignDoc(TG_GROUPS, {
        name: 'Groups only',
        platform: 'telegram',
        audience: { ...defaultAudience('telegram'), groupIds: [-100123] },
      }),
      campaignDoc(RU, { name: 'Летняя распродажа' }),
      campaignDoc(EMPTY, { name: 'Nothing yet' }),
    ]);
  });
  afterAll(async () => {
    await db.drop();
    await redis.quit();
  });

  it('refuses training that cannot succeed, says why, and stays Not Trained', async () => {
    await expect(s.training.train(EMPTY, OWNER)).rejects.toMatchObject({
      code: 'training-too-few-intents',
      params: { count: 0, min: 2 },
    });
    await addIntents(EMPTY, [
      { name: 'a', examples: ['one', 'two', 'three'], response: 'A' },
      { name: 'b', examples: ['four', 'five'], response: 'B' },
    ]);
    await expect(s.training.train(EMPTY, OWNER)).rejects.toMatchObject({
      code: 'training-too-few-examples',
      params: { name: 'b', count: 2, min: 3 },
    });
    await s.training.saveIntent(
      EMPTY,
      { name: 'b', examples: ['four', 'five', 'One!'], response: 'B' },
      OWNER,
      'b',
    );
    await expect(s.training.train(EMPTY, OWNER)).rejects.toMatchObject({
      code: 'training-conflict',
      params: { example: 'one', first: 'a', second: 'b' },
    });
    const view = await s.training.get(EMPTY);
    expect(view.status).toBe('not_trained');
    expect(view.lastError?.code).toBe('training-conflict');
    expect((await models.Campaign.findById(EMPTY).lean())?.training).toBe('not_trained');
  });

  it('refuses a Telegram campaign that only reaches groups, and unknown campaigns', async () => {
    await expect(s.training.get(TG_GROUPS)).rejects.toMatchObject({ code: 'training-groups-only' });
    await expect(s.training.get(999)).rejects.toMatchObject({ code: 'not-found' });
    await expect(
      s.training.saveIntent(SALE, { name: 'x', examples: ['  '], response: 'r' }, OWNER),
    ).rejects.toMatchObject({ code: 'training-empty-example' });
    await expect(
      s.training.saveIntent(SALE, { name: 'x', examples: ['hi'], response: 'r'.repeat(4097) }, OWNER),
    ).rejects.toMatchObject({ code: 'training-response-too-long', params: { length: 4097, limit: 4096 } });
    expect((await s.training.get(SALE)).intents).toEqual([]);
  });

  it('moves Not Trained → Training → Trained, and answers held-out English paraphrases', async () => {
    await addIntents(SALE, SALE_INTENTS_EN);
    const seen: string[] = [];
    const watched = createTrainingService({
      models,
      logger: testLogger,
      redis,
      trainer: async (intents) => {
        seen.push((await models.Campaign.findById(SALE).lean())!.training);
        return trainClassifier(intents);
      },
    });
    expect((await watched.get(SALE)).status).toBe('not_trained');
    const view = await watched.train(SALE, OWNER);
    expect(seen).toEqual(['training']);
    expect(view.status).toBe('trained');
    expect(view.lastError).toBeUndefined();

    const result = await accuracy(s, SALE, HELD_OUT_EN);
    console.log(
      `training accuracy (en): ${result.right}/${result.total} = ${(result.share * 100).toFixed(0)} % on held-out paraphrases`,
      result.misses.length ? `misses: ${result.misses.join('; ')}` : '',
    );
    expect(result.share).toBeGreaterThanOrEqual(0.8);

    // What would actually be sent: right answers among the paraphrases, and wrong ones at all.
    let sentRight = 0;
    let sentWrong = 0;
    for (const [text, expected] of HELD_OUT_EN) {
      const r = await s.training.test(SALE, text);
      if (r.response === null) continue;
      if (r.intent === expected) sentRight += 1;
      else sentWrong += 1;
    }
    let sentUnrelated = 0;
    for (const text of UNRELATED_EN)
      if ((await s.training.test(SALE, text)).response !== null) sentUnrelated += 1;
    console.log(
      `auto-replies (en): ${sentRight}/${HELD_OUT_EN.length} paraphrases answered right, ${sentWrong} wrong; ` +
        `${sentUnrelated}/${UNRELATED_EN.length} unrelated messages answered (the rest go to the admins)`,
    );
    expect(sentRight / HELD_OUT_EN.length).toBeGreaterThanOrEqual(0.6);
    expect(sentWrong).toBe(0);
    expect(sentUnrelated / UNRELATED_EN.length).toBeLessThanOrEqual(0.1);

    const test = await s.training.test(SALE, 'how much does the discount cost?');
    expect(test.intent).toBe('price');
    expect(test.confidence).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLD);
    expect(test.response).toBe(SALE_INTENTS_EN[0]!.response);
    const unrelated = await s.training.test(SALE, 'my cat likes jazz');
    expect(unrelated.confidence).toBeLessThan(CONFIDENCE_THRESHOLD);
    expect(unrelated.response).toBeNull();
  });

  it('trains in a worker thread: the process keeps answering while the largest allowed set trains', async () => {
    const largest = Array.from({ length: MAX_INTENTS }, (_, i) => ({
      name: `intent ${i}`,
      response: `answer ${i}`,
      examples: Array.from(
        { length: MAX_EXAMPLES },
        (_, k) =>
          `question ${i} about ${SALE_INTENTS_EN[(i + k) % SALE_INTENTS_EN.length]!.examples[0]} ${k}`,
      ),
    }));
    // Trained on this thread, the set takes hundreds of milliseconds in which no timer fires.
    let turns = 0;
    const timer = setInterval(() => turns++, 5);
    try {
      const classifier = await trainInWorker(largest);
      expect(turns).toBeGreaterThanOrEqual(3);
      expect((await classifier.classify('question 7 about something 3')).intent).toBe('intent 7');
    } finally {
      clearInterval(timer);
    }
  }, 30_000);

  it('answers held-out Russian paraphrases', async () => {
    await addIntents(RU, SALE_INTENTS_RU);
    expect((await s.training.train(RU, OWNER)).status).toBe('trained');
    const result = await accuracy(s, RU, HELD_OUT_RU);
    console.log(
      `training accuracy (ru): ${result.right}/${result.total} = ${(result.share * 100).toFixed(0)} % on held-out paraphrases`,
      result.misses.length ? `misses: ${result.misses.join('; ')}` : '',
    );
    expect(result.share).toBeGreaterThanOrEqual(0.8);
  });

  it('keeps the model across a restart (a new service over the same database)', async () => {
    const fresh = createTrainingService({ models: await createModels(db.conn), logger: testLogger, redis });
    const view = await fresh.get(SALE);
    expect(view.status).toBe('trained');
    expect(view.intents.map((i) => i.name)).toEqual(['price', 'delivery', 'hours', 'returns']);
    const r = await fresh.test(SALE, 'what is the cost of this?');
    expect(r.intent).toBe('price');
    const stored = await models.Training.findById(SALE).lean();
    expect(typeof stored?.model).toBe('string');
    expect(Buffer.byteLength(stored!.model!)).toBeLessThan(1024 * 1024);
  });

  it('auto-replies to a WhatsApp response, counts it, and routes low-confidence ones to the admins', async () => {
    const phone = `+4915${randomInt(10_000_000, 99_999_999)}`;
    await delivered(SALE, `wa:${phone}`);
    const reply = { platform: 'whatsapp' as const, phone, at: new Date() };
    const ask = async (text: string) =>
      s.training.autoReply({ ...reply, text }, await s.responses.record({ ...reply, text }));

    expect(await ask('how long does shipping take')).toBe(SALE_INTENTS_EN[1]!.response);
    const before = routed.length;
    expect(await ask('my cat likes jazz')).toBeNull();
    expect(routed.slice(before)).toEqual([
      expect.objectContaining({
        campaignId: SALE,
        platform: 'whatsapp',
        from: phone,
        reason: 'low_confidence',
      }),
    ]);

    const view = await s.training.get(SALE);
    expect(view.autoReplies).toBe(1);
    expect(view.routed).toBe(1);
    const responses = await models.Response.find({ campaignId: SALE }).sort({ at: 1, _id: 1 }).lean();
    expect(responses.map((r) => [r.autoReplied, r.intent, r.routedToAdmins ?? false])).toEqual([
      [true, 'delivery', false],
      [false, expect.anything(), true],
    ]);

    // An admin answers: queued for the whatsapp role, claimed once.
    const item = routed.at(-1)!;
    await s.training.answer(item.id, 'We will call you back.', OWNER);
    await expect(s.training.answer(item.id, 'again', OWNER)).rejects.toMatchObject({
      code: 'training-already-answered',
    });
    expect(await s.training.nextWhatsAppAnswer()).toEqual({
      id: item.id,
      phone,
      text: 'We will call you back.',
    });
    expect(await s.training.nextWhatsAppAnswer()).toBeNull();
  });

  it(`sends at most ${AUTO_REPLY_LIMIT} auto-replies per contact per hour; the rest go to the admins`, async () => {
    const chatId = randomInt(1_000_000, 9_000_000);
    await addIntents(TG_DM, SALE_INTENTS_EN);
    await s.training.train(TG_DM, OWNER);
    await delivered(TG_DM, `tg:${chatId}`);
    const replies: (string | null)[] = [];
    for (let i = 0; i < AUTO_REPLY_LIMIT + 2; i += 1) {
      const reply = {
        platform: 'telegram' as const,
        chatId,
        text: 'what are your opening hours',
        at: new Date(),
      };
      replies.push(await s.training.autoReply(reply, await s.responses.record(reply)));
    }
    expect(replies.filter((r) => r !== null)).toHaveLength(AUTO_REPLY_LIMIT);
    expect(replies.slice(AUTO_REPLY_LIMIT)).toEqual([null, null]);
    expect(routed.filter((r) => r.campaignId === TG_DM).map((r) => r.reason)).toEqual([
      'rate_limited',
      'rate_limited',
    ]);
    expect((await s.training.get(TG_DM)).autoReplies).toBe(AUTO_REPLY_LIMIT);
    await redis.del(`mb:train:rl:tg:${chatId}`);
  });

  it('sends nothing when auto-replies are off or the intents changed since training', async () => {
    const chatId = randomInt(1_000_000, 9_000_000);
    await delivered(TG_DM, `tg:${chatId}`);
    const reply = { platform: 'telegram' as const, chatId, text: 'is delivery free?', at: new Date() };
    await s.training.setAutoReply(TG_DM, false, OWNER);
    expect(await s.training.autoReply(reply, await s.responses.record(reply))).toBeNull();
    await s.training.setAutoReply(TG_DM, true, OWNER);
    expect(await s.training.autoReply(reply, await s.responses.record(reply))).toBe(
      SALE_INTENTS_EN[1]!.response,
    );
    await s.training.removeIntent(TG_DM, 'returns', OWNER);
    const view = await s.training.get(TG_DM);
    expect(view.status).toBe('not_trained');
    expect(view.stale).toBe(true);
    expect(await s.training.autoReply(reply, await s.responses.record(reply))).toBeNull();
    await redis.del(`mb:train:rl:tg:${chatId}`);
  });

  it('bulk "update training status" trains from the intents, or reports why not', async () => {
    const report = await s.bulk.setTraining([TG_DM, EMPTY, TG_GROUPS], 'trained', OWNER);
    expect(report.done).toEqual([{ id: TG_DM, result: 'trained' }]);
    expect(report.refused.map((r) => [r.id, r.code])).toEqual([
      [EMPTY, 'training-conflict'],
      [TG_GROUPS, 'training-groups-only'],
    ]);
    const back = await s.bulk.setTraining([TG_DM], 'not_trained', OWNER);
    expect(back.done).toEqual([{ id: TG_DM, result: 'not_trained' }]);
    expect((await s.training.get(TG_DM)).stale).toBe(false);
  });
});
