import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatchRepository } from '../../src/db/dispatch.repository.js';
import { createWhatsAppRepository } from '../../src/db/whatsapp.repository.js';
import { defaultAudience } from '../../src/domain/campaign.js';
import { createServices } from '../../src/services/index.js';
import { testLogger, testRedisUrl } from '../support/services.js';
import { createServiceHarness, type ServiceHarness } from './setup.js';

const run = promisify(execFile);
const phone = (n: number) => `+1202555${String(100 + n).padStart(4, '0')}`;

/** scripts/reconcile.ts --audience as an operator runs it; resolves to its exit code and output. */
async function reconcile(h: ServiceHarness, ...args: string[]) {
  try {
    const { stdout } = await run('npx', ['tsx', 'scripts/reconcile.ts', '--audience', ...args], {
      env: { ...process.env, MONGODB_URI: h.db.uri, REDIS_URL: testRedisUrl(), LOG_LEVEL: 'warn' },
    });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    return { code: e.code ?? -1, out: e.stdout ?? '' };
  }
}

describe('audience counts: moved by the writes, rebuilt when missing, reconciled with MongoDB', () => {
  let h: ServiceHarness;
  const everyone = { ...defaultAudience('telegram'), allSubscribers: true };
  const allContacts = defaultAudience('whatsapp');
  const vip = { ...defaultAudience('whatsapp'), all: false, segments: ['VIP Customers'] };

  /** What the screens show, in one object. */
  const screens = async () => ({
    subscribers: await h.services.audience.estimateReach(everyone),
    contacts: await h.services.audience.estimateReach(allContacts),
    vip: await h.services.audience.estimateReach(vip),
    segments: Object.fromEntries(
      (await h.services.contacts.segmentCounts()).filter((s) => s.count > 0).map((s) => [s.segment, s.count]),
    ),
    listed: (await h.services.contacts.list({ pageSize: 100 })).items.map((c) => c.phone),
  });

  beforeAll(async () => {
    h = await createServiceHarness();
    const s = h.services;
    await s.contacts.importContacts(
      Array.from({ length: 8 }, (_, i) => ({
        line: i + 2,
        phone: phone(i),
        segments: i < 3 ? ['VIP Customers'] : i < 6 ? ['New Leads'] : ['VIP Customers', 'New Leads'],
      })),
    );
    for (let i = 1; i <= 6; i++) await s.subscribers.subscribe({ id: i, first_name: `User${i}` });
  });
  afterAll(() => h.db.drop());

  it('follows subscribe, /stop, blocks, opt-outs, numbers not on WhatsApp and imports', async () => {
    const s = h.services;
    expect(await screens()).toEqual({
      subscribers: 6,
      contacts: 8,
      vip: 5,
      segments: { 'VIP Customers': 5, 'New Leads': 5 },
      listed: Array.from({ length: 8 }, (_, i) => phone(i)),
    });
    await s.subscribers.unsubscribe(2);
    await s.subscribers.block(3);
    // A send finds user 4 blocked the bot, while the bot also learns it: counted once.
    const audience = s.audienceStore;
    const dispatch = createDispatchRepository(h.models, { counters: s.counters, audience });
    await Promise.all([dispatch.markUnreachable([4], []), s.subscribers.block(4, 'user')]);
    await s.subscribers.seenInGroup({ id: 7, first_name: 'Lurker' }, -100);
    await s.contacts.optOut(phone(0));
    await s.contacts.optOut(phone(0));
    const wa = createWhatsAppRepository(h.models, audience);
    await wa.markInvalid([phone(6), phone(6)]);
    await wa.optOut('+12025550199', new Date()); // a stranger: stored opted out, counted as a contact
    await s.contacts.importContacts([{ line: 2, phone: phone(3), segments: ['VIP Customers'] }]);
    expect(await screens()).toEqual({
      subscribers: 3,
      contacts: 6,
      vip: 4,
      segments: { 'VIP Customers': 6, 'New Leads': 5 },
      listed: [...Array.from({ length: 8 }, (_, i) => phone(i)), '+12025550199'],
    });
    expect(
      (await s.contacts.list({ segment: 'VIP Customers', page: 2, pageSize: 4 })).items.map((c) => c.phone),
    ).toEqual([phone(6), phone(7)]);
    const report = await s.audienceCounts.reconcile();
    expect(report).toMatchObject({ subscribers: 7, contacts: 9, drifts: [], persons: 0 });
  });

  it('finds what drifted (writes around the app, a late stale report), names it, and repairs it', async () => {
    const s = h.services;
    const before = await screens();
    // Written around the app: a contact opted out and one removed, a subscriber blocked.
    await h.models.Contact.updateOne({ phone: phone(1) }, { $set: { optedOut: true } });
    await h.models.Contact.deleteOne({ phone: phone(2) });
    await h.models.Subscriber.updateOne({ _id: 5 }, { $set: { blocked: true } });
    // A writer that read user 6 before a /stop reports it after: the counts say reachable.
    await s.subscribers.unsubscribe(6);
    await s.audienceCounts.subscribersAre([{ id: 6, subscribed: true, blocked: false }]);
    // The counts did not see any of it (the removed contact's page lookup finds nothing).
    const { listed: _l, ...counted } = before;
    expect(await screens()).toMatchObject(counted);

    const found = await reconcile(h);
    expect(found.code).toBe(3);
    expect(found.out).toContain('audience: subscribers reachable counted 3, recounted 1');
    expect(found.out).toContain('audience: contacts counted 9, recounted 8');
    expect(found.out).toContain('audience: segment VIP Customers reachable counted 4, recounted 2');
    expect(found.out).toContain('audience: contacts (sorted list) counted 9, recounted 8');
    expect(found.out).toContain('audience: 4 persons mirrored unlike MongoDB');
    expect(found.out).toContain('not repaired: run again with --repair');
    expect(await screens()).toMatchObject(counted); // reported, not touched

    const repaired = await reconcile(h, '--repair');
    expect(repaired.code).toBe(0);
    expect(repaired.out).toContain('audience: repaired');
    expect(await screens()).toEqual({
      subscribers: 1,
      contacts: 4,
      vip: 2,
      segments: { 'VIP Customers': 5, 'New Leads': 5 },
      listed: [phone(0), phone(1), ...[3, 4, 5, 6, 7].map(phone), '+12025550199'],
    });
    expect((await reconcile(h)).out).toContain('audience: no drift');
  });

  it('repairs counts that disagree with the mirrored persons (a lost or doubled increment)', async () => {
    const key = `mb:${h.models.Campaign.db.name}:aud:s:n`;
    await h.redis.hincrby(key, '1', 1);
    const report = await h.services.audienceCounts.reconcile();
    expect(report.drifts).toEqual([{ figure: 'subscribers reachable', counted: 2, recounted: 1 }]);
    expect(report.persons).toBe(0);
    await h.services.audienceCounts.reconcile({ repair: true });
    expect(await h.services.audience.estimateReach(everyone)).toBe(1);
  });

  it('rebuilds counts Redis lost, once, when first read; other processes meanwhile read MongoDB', async () => {
    const expected = await screens();
    const keys = await h.redis.keys(`mb:${h.models.Campaign.db.name}:aud:*`);
    await h.redis.del(...keys);
    // Another process holds the rebuild: this one answers from MongoDB, and builds nothing.
    const lock = `mb:${h.models.Campaign.db.name}:aud:c:build`;
    await h.redis.set(lock, 'someone-else', 'PX', 60_000);
    expect(await h.services.audience.estimateReach(allContacts)).toBe(expected.contacts);
    expect(await h.services.contacts.list({ pageSize: 100 })).toMatchObject({ total: 8 });
    expect(await h.redis.exists(`mb:${h.models.Campaign.db.name}:aud:c:ready`)).toBe(0);
    await h.redis.del(lock);
    // The first read that can claim it builds the counts.
    const other = createServices({
      models: h.models,
      logger: testLogger,
      config: { ADMIN_IDS: [1], DEFAULT_TIMEZONE: 'UTC' },
      redis: h.redis,
    });
    expect(await other.audienceCounts.ensureCounts()).toBe(true);
    expect(await h.redis.exists(`mb:${h.models.Campaign.db.name}:aud:c:ready`)).toBe(1);
    expect(await screens()).toEqual(expected);
    expect((await h.services.audienceCounts.reconcile()).drifts).toEqual([]);
    await other.counters.close();
  });
});
