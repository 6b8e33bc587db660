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

  it('reports each run of a recurring campaign and all runs together from one aggregation', async () => {
    await h.models.Campaign.updateOne(
      { _id: 1 },
      {
        $set: {
          runs: [
            {
              run: 1,
              startedAt: new Date('2026-06-01T09:00:00Z'),
              total: 156,
              sent: 156,
              failed: 2,
              unknown: 0,
            },
          ],
        },
      },
    );
    const report = await s.analytics.campaignReport(1);
    expect(report.runs.map((r) => [r.run, r.stats.sent, r.stats.failed, r.stats.pending])).toEqual([
      [1, 156, 2, 0],
      [2, 1, 1, 3],
    ]);
    expect(report.runs[0]?.startedAt?.toISOString()).toBe('2026-06-01T09:00:00.000Z');
    expect(report.total).toMatchObject({ total: 160, sent: 157, clicked: 45 });
    expect(report.totalClicks).toBe(45);
  });

  it('sums the runs of every campaign over a period and ranks them by click-through', async () => {
    // These deliveries were imported without counters: a reconcile makes them (as after an upgrade).
    await s.figures.reconcile({ repair: true });
    const overview = await s.analytics.overview();
    expect(overview).toMatchObject({ campaigns: 2, sent: 167, clicked: 45 });
    expect(overview.top.map((c) => [c.id, c.clickThroughRate])).toEqual([
      [1, 28.7],
      [2, 0],
    ]);
    // A period counts the runs that started in it: run 1 of campaign 1 started on June 1st, 9 days
    // before "now"; the other runs have no start in their history, so they count in "all time" only.
    expect((await s.analytics.overview({ days: 7 })).sent).toBe(0);
    expect(await s.analytics.overview({ days: 10 })).toMatchObject({ campaigns: 1, sent: 156, clicked: 45 });
  });

  it('exports one CSV row per delivery, with formula-like cells defused', async () => {
    await h.models.Delivery.updateOne({ campaignId: 2, seq: 165 }, { $set: { name: '=HYPERLINK("x")' } });
    const { csv, rows } = await s.analytics.deliveriesCsv(2, 'Europe/Berlin');
    const lines = csv.trimEnd().split('\r\n');
    expect(rows).toBe(10);
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe(
      'run,recipient,name,status,reason,attempts,sentAt,deliveredAt,readAt,failedAt,clickedAt,clicks,respondedAt,convertedAt',
    );
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    // Phone numbers stay numbers (toCsv defuses formulas only).
    expect(lines[1]).toBe('1,+1202555160,,sent,,0,,,,,,0,,');
  });

  it('counts a sent Telegram message as delivered and refuses an unknown campaign', async () => {
    expect(await s.analytics.campaignStats(2)).toMatchObject({ sent: 10, delivered: 10 });
    await expect(s.analytics.campaignStats(99)).rejects.toBeInstanceOf(NotFoundError);
  });
});
