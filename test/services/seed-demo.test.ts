import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SEED_CAMPAIGNS,
  SEED_CONTACTS,
  SEED_GROUPS,
  SEED_SUBSCRIBERS,
  seedDemo,
} from '../../scripts/seed-demo.js';
import { createModels, type Models } from '../../src/db/models.js';
import { SEGMENTS } from '../../src/domain/campaign.js';
import { formatInZone } from '../../src/domain/schedule.js';
import { createServices, type Services } from '../../src/services/index.js';
import { createTestDb, createTestRedis, type TestDb, testLogger } from '../support/services.js';

const run = promisify(execFile);

describe('scripts/seed-demo.ts', () => {
  let db: TestDb;
  let redis: Redis;
  let models: Models;
  let services: Services;

  const seed = () =>
    run('npx', ['tsx', 'scripts/seed-demo.ts'], {
      env: { ...process.env, MONGODB_URI: db.uri, LOG_LEVEL: 'warn' },
    });
  const dump = async () =>
    Object.fromEntries(
      await Promise.all(
        ['campaigns', 'chats', 'subscribers', 'contacts', 'templates', 'counters'].map(async (name) => [
          name,
          await db.conn.db!.collection(name).find().sort({ _id: 1 }).toArray(),
        ]),
      ),
    );

  beforeAll(async () => {
    db = await createTestDb();
    models = await createModels(db.conn);
    redis = createTestRedis();
    services = createServices({
      models,
      logger: testLogger,
      config: { ADMIN_IDS: [1], DEFAULT_TIMEZONE: 'UTC' },
      redis,
    });
  });
  afterAll(async () => {
    await services.counters.close();
    redis.disconnect();
    await db.drop();
  });

  it("loads the seed's campaigns, groups, subscribers, contacts and templates, the same on every run", async () => {
    await seed();
    const first = await dump();
    expect(first.campaigns).toHaveLength(10);
    expect(first.chats).toHaveLength(6);
    expect(first.subscribers).toHaveLength(7);
    expect(first.contacts).toHaveLength(SEED_CONTACTS.length);
    expect(first.templates).toHaveLength(6);
    expect(first.counters).toEqual([{ _id: 'campaigns', value: 10 }]);

    // An admin changed a seeded campaign and a group in between; the second run puts them back.
    await models.Campaign.updateOne({ _id: 3 }, { name: 'Renamed', status: 'archived' });
    await models.Chat.updateOne({ _id: SEED_GROUPS[0].id }, { memberCount: 1 });
    // The second run in-process: the command line is proven by the first, and a spawn is slow here.
    await seedDemo(models, testLogger);
    expect(await dump()).toEqual(first);
  }, 120_000);

  it("shows the seed's lists through the services", async () => {
    const rows = async (platform: 'whatsapp' | 'telegram') =>
      (await services.campaigns.list({ platform, sort: 'oldest' })).items.map((c) => [
        c.id,
        c.name,
        c.status,
        c.training,
        formatInZone(c.schedule.at!, c.schedule.zone, { showZone: false }),
      ]);
    expect(await rows('whatsapp')).toEqual([
      [1, 'Summer Super Sale', 'published', 'not_trained', '2029-06-13 11:24'],
      [2, 'VIP Member Free Trial Week', 'published', 'not_trained', '2025-06-03 11:57'],
      [3, 'Flash Offer – 50% Off Today', 'published', 'not_trained', '2025-06-05 17:57'],
      [4, 'New Product Launch – Special Invite', 'published', 'not_trained', '2027-06-05 17:57'],
      [5, 'Webinar Registration Now Open', 'published', 'not_trained', '2027-06-05 17:57'],
    ]);
    expect(await rows('telegram')).toEqual([
      [6, 'Exclusive Telegram Deal', 'scheduled', 'not_trained', '2029-06-13 11:24'],
      [7, 'Weekend Special Offer', 'published', 'not_trained', '2025-06-03 11:57'],
      [8, 'Join Our Premium Membership', 'published', 'not_trained', '2025-06-05 17:57'],
      [9, 'Holiday Season Price Drop', 'scheduled', 'not_trained', '2027-06-05 17:57'],
      [10, 'Early Bird Special Discount', 'scheduled', 'not_trained', '2027-06-05 17:57'],
    ]);
    expect(SEED_CAMPAIGNS.every((c) => c.at.length === 2)).toBe(true);

    const groups = await services.chats.list({ kind: 'groups', pageSize: 10 });
    expect(groups.items.map((g) => [g.title, g.memberCount]).sort()).toEqual(
      SEED_GROUPS.map((g) => [g.title, g.memberCount]).sort(),
    );
    const members = await services.subscribers.listGroupMembers(SEED_GROUPS[0].id, { pageSize: 10 });
    expect(members.items.map((m) => [m.name, m.username])).toEqual(
      SEED_SUBSCRIBERS.map((s) => [`${s.firstName} ${s.lastName}`, s.username]),
    );
    const segments = await services.contacts.segmentCounts();
    expect(segments.map((s) => s.segment)).toEqual([...SEGMENTS]);
    expect(segments.every((s) => s.count >= 2)).toBe(true);
    const everyone = await services.campaigns.get(7);
    expect(await services.audience.estimateReach(everyone.audience)).toBe(
      2450 + 1823 + 945 + 3102 + 567 + 4891,
    );
    expect((await services.templates.list()).map((t) => t.name)).toContain('Appointment Reminder');
  });
});
