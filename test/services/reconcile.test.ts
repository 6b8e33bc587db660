import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDispatchRepository,
  type DeliveryResult,
  deliveryId,
} from '../../src/db/dispatch.repository.js';
import { createTrackingRepository } from '../../src/db/tracking.repository.js';
import { testRedisUrl } from '../support/services.js';
import { campaignDoc, createServiceHarness, type ServiceHarness } from './setup.js';

const run = promisify(execFile);

/** scripts/reconcile.ts as an operator runs it; resolves to its exit code and output. */
async function reconcile(h: ServiceHarness, ...args: string[]) {
  try {
    const { stdout } = await run('npx', ['tsx', 'scripts/reconcile.ts', ...args], {
      env: { ...process.env, MONGODB_URI: h.db.uri, REDIS_URL: testRedisUrl(), LOG_LEVEL: 'warn' },
    });
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    return { code: e.code ?? -1, out: e.stdout ?? '' };
  }
}

describe('run counters: recount, drift and repair (scripts/reconcile.ts)', () => {
  let h: ServiceHarness;
  const ID = 71;
  const at = new Date('2026-06-10T09:00:00Z');
  const outcome = (n: number, status: DeliveryResult['status']): DeliveryResult => ({
    item: { recipient: `tg:${5000 + n}`, seq: n, pass: 0, chatId: 5000 + n, kind: 'private', name: '' },
    status,
    ...(status === 'failed' ? { reason: 'blocked' as const } : {}),
    attempts: 1,
    ...(status === 'sent' ? { messageId: 900 + n } : {}),
    chatId: 5000 + n,
    owner: 'test',
    sendingAt: at,
    at,
  });

  beforeAll(async () => {
    h = await createServiceHarness();
    await h.models.Campaign.collection.insertOne(
      campaignDoc(ID, {
        platform: 'telegram',
        status: 'published',
        run: 1,
        runs: [{ run: 1, startedAt: at, total: 12, sent: 0, failed: 0, unknown: 0 }],
        dispatch: { total: 12, cursor: 12, pass: 0, expandedRun: 1 },
      }) as never,
    );
    // A run as the dispatcher writes it: 10 sent, 2 blocked, each outcome counted as it is written;
    // then 3 recipients click (one of them twice).
    const { counters } = h.services;
    await counters.begin({ campaignId: ID, run: 1 }, 'telegram', at);
    await counters.setTotal({ campaignId: ID, run: 1 }, 12);
    const repo = createDispatchRepository(h.models, { counters });
    await repo.recordResults(ID, 1, [
      ...Array.from({ length: 10 }, (_, n) => outcome(n, 'sent')),
      outcome(10, 'failed'),
      outcome(11, 'failed'),
    ]);
    const tracking = createTrackingRepository(h.models, counters);
    for (const n of [0, 1, 2, 2]) {
      await tracking.click({ campaignId: ID, run: 1, recipient: `tg:${5000 + n}`, link: 0 }, at);
    }
  });
  afterAll(() => h.db.drop());

  it('keeps figures that match the deliveries: nothing to report', async () => {
    expect(await h.services.analytics.campaignStats(ID)).toMatchObject({
      total: 12,
      sent: 12,
      delivered: 10,
      failed: 2,
      clicked: 3,
    });
    const { code, out } = await reconcile(h, '--campaign', String(ID));
    expect(code).toBe(0);
    expect(out).toContain('1 campaigns, 1 runs recounted');
    expect(out).toContain('no drift');
  });

  it('finds a drift, names the figures, and repairs them only when asked', async () => {
    const key = `mb:${h.models.Campaign.db.name}:cnt:${ID}:1`;
    // Counted twice (say, a retried write), and an outcome a dying process wrote but never counted.
    await h.services.counters.outcomes({ campaignId: ID, run: 1 }, [{ status: 'sent', at }]);
    await h.models.Delivery.collection.updateOne(
      { _id: deliveryId(ID, 1, 'tg:5009') },
      { $set: { status: 'failed', reason: 'network' } },
    );
    await h.services.counters.settled();
    expect(await h.redis.hget(key, 'sent')).toBe('11');

    const found = await reconcile(h, '--campaign', String(ID));
    expect(found.code).toBe(3);
    expect(found.out).toContain(`campaign ${ID} run 1: sent counted 11, recounted 9`);
    expect(found.out).toContain(`campaign ${ID} run 1: failed counted 2, recounted 3`);
    expect(found.out).toContain(`campaign ${ID} run 1: failed:network counted 0, recounted 1`);
    expect(found.out).toContain('not repaired: run again with --repair');
    // Reported, not touched.
    expect(await h.redis.hget(key, 'sent')).toBe('11');

    const repaired = await reconcile(h, '--campaign', String(ID), '--repair');
    expect(repaired.code).toBe(0);
    expect(repaired.out).toContain('1 runs repaired');
    expect(await h.services.analytics.campaignStats(ID)).toMatchObject({
      sent: 12,
      delivered: 9,
      failed: 3,
      clicked: 3,
      failureReasons: { blocked: 2, network: 1 },
    });
    // Repeat clicks are exact in the counters only: a repair keeps them.
    expect((await h.services.analytics.campaignReport(ID)).totalClicks).toBe(4);
    expect((await reconcile(h, '--campaign', String(ID))).out).toContain('no drift');
  });

  it('rebuilds counters Redis lost, once, for every screen', async () => {
    const keys = await h.redis.keys(`mb:${h.models.Campaign.db.name}:cnt:*`);
    await h.redis.del(...keys);
    // A screen asking for the campaign recounts it at once…
    expect(await h.services.analytics.campaignStats(ID)).toMatchObject({ sent: 12, failed: 3, clicked: 3 });
    // …and the rebuild (started by main.ts) lists every run for the overview again.
    await h.redis.del(...(await h.redis.keys(`mb:${h.models.Campaign.db.name}:cnt:*`)));
    expect((await h.services.analytics.overview()).sent).toBe(0);
    const report = await h.services.figures.ensureCounters();
    expect(report).toMatchObject({ campaigns: 1, runs: 1, repaired: 1 });
    expect(await h.services.figures.ensureCounters()).toBeNull();
    expect(await h.services.analytics.overview()).toMatchObject({ campaigns: 1, sent: 12, failed: 3 });
  });
});
