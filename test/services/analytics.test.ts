import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/domain/errors.js';
import type { Services } from '../../src/services/index.js';
import { campaignDoc, createServiceHarness, type ServiceHarness } from './setup.js';

describe('campaign analytics', () => {
  let h: ServiceHarness;
  let s: Services;

  beforeAll(async () => {
    h = await createServiceHarness();
    s = h.services;
    await h.models.Campaign.collection.insertMany([
      campaignDoc(1, { platform: 'whatsapp', status: 'published', run: 2 }),
      campaignDoc(2, { platform: 'telegram', status: 'published', run: 1 }),
    ] as never[]);
    const at = new Date('2026-06-10T12:00:00Z');
    const rows: Record<string, unknown>[] = [];
    const add = (campaignId: number, run: number, count: number, fields: Record<string, unknown>) => {
      for (let i = 0; i < count; i++) {
        rows.push({
          campaignId,
          run,
          recipient: `wa:+1202555${rows.length}`,
          seq: rows.length,
          platform: 'whatsapp',
          ...fields,
        });
      }
    };
    // The seed's WhatsApp example in run 1: 156 sent, 154 delivered (128 read), 2 failed, 45 clicks, 23 responses.
    add(1, 1, 26, { status: 'delivered' });
    add(1, 1, 45, { status: 'read', clickedAt: at, clicks: 1 });
    add(1, 1, 23, { status: 'read', respondedAt: at, responseMs: 15 * 60_000 });
    add(1, 1, 60, { status: 'read' });
    add(1, 1, 1, { status: 'failed', reason: 'invalid_number' });
    add(1, 1, 1, { status: 'failed', reason: 'network' });
    add(1, 2, 3, { status: 'pending' });
    add(1, 2, 1, { status: 'failed' });
    add(2, 1, 10, { status: 'sent', platform: 'telegram' });
    await h.models.Delivery.insertMany(rows);
  });
  afterAll(() => h.db.drop());

  it("computes a run's figures from its deliveries", async () => {
    const stats = await s.analytics.campaignStats(1, 1);
    expect(stats).toMatchObject({
      total: 156,
      sent: 156,
      delivered: 154,
      read: 128,
      failed: 2,
      clicked: 45,
      responses: 23,
      percent: { delivered: 98.7, failed: 1.3, read: 82.1, clicked: 28.8, responses: 14.7 },
      engagement: { averageResponseMinutes: 15 },
    });
    expect(stats.failureReasons).toMatchObject({ invalid_number: 1, network: 1, blocked: 0 });
  });

  it('adds all runs together when no run is given', async () => {
    const stats = await s.analytics.campaignStats(1);
    expect(stats).toMatchObject({ total: 160, pending: 3, failed: 3, sent: 157 });
    expect(stats.failureReasons.unknown).toBe(1);
  });

  it('counts a sent Telegram message as delivered and refuses an unknown campaign', async () => {
    expect(await s.analytics.campaignStats(2)).toMatchObject({ sent: 10, delivered: 10 });
    await expect(s.analytics.campaignStats(99)).rejects.toBeInstanceOf(NotFoundError);
  });
});
