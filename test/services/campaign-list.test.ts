import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAMPAIGN_SORTS, type CampaignSort } from '../../src/db/campaign.repository.js';
import { CAMPAIGN_STATUSES, type CampaignStatus, type Platform } from '../../src/domain/campaign.js';
import { EndBeforeStartError } from '../../src/domain/errors.js';
import type { CampaignListQuery, Services } from '../../src/services/index.js';
import { campaignDoc, createServiceHarness, type ServiceHarness } from './setup.js';

const BASE = 300;
const base = Array.from({ length: BASE }, (_, i) => {
  const id = i + 1;
  const platform: Platform = id % 2 === 0 ? 'telegram' : 'whatsapp';
  const status = CAMPAIGN_STATUSES[id % CAMPAIGN_STATUSES.length] as CampaignStatus;
  const training = platform === 'whatsapp' && id % 3 === 0 ? 'trained' : 'not_trained';
  return { id, platform, status, training };
});

const RANGE: [number, string | null][] = [
  [1, '2026-05-31T14:59:00Z'],
  [2, '2026-05-31T15:00:00Z'],
  [3, '2026-06-07T14:59:00Z'],
  [4, '2026-06-07T15:00:00Z'],
  [5, '2026-06-10T14:59:00Z'],
  [6, '2026-06-10T15:00:00Z'],
  [7, '2026-06-11T14:59:00Z'],
  [8, '2026-06-11T15:00:00Z'],
  [9, '2026-06-14T15:00:00Z'],
  [10, '2026-06-30T15:00:00Z'],
  [11, null],
];

const t = (n: number) => new Date(Date.UTC(2026, 1, 1, n));
const SORTED: Record<string, unknown>[] = [
  campaignDoc(401, { name: 'Sort banana', status: 'published', createdAt: t(1), at: new Date('2027-03-01') }),
  campaignDoc(402, { name: 'Sort Apple', status: 'draft', createdAt: t(2) }),
  campaignDoc(403, { name: 'sort cherry', status: 'scheduled', createdAt: t(3), at: new Date('2027-01-01') }),
  campaignDoc(404, { name: 'Sort date', status: 'failed', createdAt: t(4), at: new Date('2027-02-01') }),
  campaignDoc(405, { name: 'Sort elder', status: 'cancelled', createdAt: t(5), at: new Date('2026-12-01') }),
  campaignDoc(406, { name: 'Sort fig', status: 'paused', createdAt: t(6), at: new Date('2027-04-01') }),
  campaignDoc(407, {
    name: 'Sort grape',
    status: 'published',
    createdAt: t(7),
    at: new Date('2027-05-01'),
    featured: true,
  }),
];

describe('campaign list', () => {
  let h: ServiceHarness;
  let s: Services;
  const ids = async (query: CampaignListQuery) =>
    (await s.campaigns.list({ pageSize: 100, ...query })).items.map((c) => c.id);

  beforeAll(async () => {
    // Tuesday 2026-06-10 20:00 UTC is already Thursday 2026-06-11 05:00 in Tokyo.
    h = await createServiceHarness(new Date('2026-06-10T20:00:00Z'));
    s = h.services;
    await h.models.Campaign.collection.insertMany([
      ...base.map((b) =>
        campaignDoc(b.id, {
          platform: b.platform,
          status: b.status,
          training: b.training,
          ...(b.id % 5 === 0 ? {} : { at: new Date(Date.UTC(2027, 0, 1, b.id)) }),
        }),
      ),
      campaignDoc(301, { name: '50% Off (Today)' }),
      campaignDoc(302, { name: '50% off today' }),
      campaignDoc(303, { name: 'Flash.Sale*' }),
      campaignDoc(304, { name: 'Ümlaut ÄRGER' }),
      campaignDoc(305, {
        name: 'He said "Hi", again',
        status: 'scheduled',
        at: new Date('2026-06-10T15:00:00Z'),
        schedule: { zone: 'Asia/Tokyo', frequency: 'none', at: new Date('2026-06-10T15:00:00Z') },
        createdAt: new Date('2026-06-01T00:00:00Z'),
      }),
      ...RANGE.map(([n, at]) =>
        campaignDoc(350 + n, { name: `Range ${n}`, ...(at ? { at: new Date(at) } : {}) }),
      ),
      ...SORTED,
    ] as never[]);
  });
  afterAll(() => h.db.drop());

  it('searches names literally and case-insensitively, regex characters included', async () => {
    expect(await ids({ search: '50% Off (Today)' })).toEqual([301]);
    expect(await ids({ search: 'off (TODAY' })).toEqual([301]);
    expect(await ids({ search: '50% off', sort: 'oldest' })).toEqual([301, 302]);
    expect(await ids({ search: '.*' })).toEqual([]);
    expect(await ids({ search: 'flash.sale*' })).toEqual([303]);
    expect(await ids({ search: '(' })).toEqual([301]);
    expect(await ids({ search: 'ärg' })).toEqual([304]);
    expect(await ids({ search: '  ', pageSize: 1 })).toHaveLength(1);
  });

  it('filters by status, with "all" hiding archived campaigns', async () => {
    const all = await s.campaigns.list({ status: 'all' });
    const extra = 5 + RANGE.length + SORTED.length;
    expect(all.total).toBe(base.filter((b) => b.status !== 'archived').length + extra);
    expect((await s.campaigns.list({})).total).toBe(all.total);
    for (const status of CAMPAIGN_STATUSES) {
      const page = await s.campaigns.list({ status, search: 'campaign', pageSize: 100 });
      expect(page.total, status).toBe(base.filter((b) => b.status === status).length);
      expect(page.items.every((c) => c.status === status)).toBe(true);
    }
  });

  it('filters by platform and training status, alone and together', async () => {
    const expected = (f: (b: (typeof base)[number]) => boolean) =>
      base.filter((b) => b.status !== 'archived' && f(b)).length;
    const count = async (q: CampaignListQuery) =>
      (await s.campaigns.list({ search: 'campaign', ...q })).total;
    expect(await count({ platform: 'telegram' })).toBe(expected((b) => b.platform === 'telegram'));
    expect(await count({ platform: 'whatsapp' })).toBe(expected((b) => b.platform === 'whatsapp'));
    expect(await count({ platform: 'all' })).toBe(expected(() => true));
    expect(await count({ training: 'trained' })).toBe(expected((b) => b.training === 'trained'));
    expect(await count({ training: 'not_trained', platform: 'whatsapp', status: 'published' })).toBe(
      base.filter(
        (b) => b.platform === 'whatsapp' && b.training === 'not_trained' && b.status === 'published',
      ).length,
    );
  });

  it("filters by schedule date: today, this week and this month in the admin's zone, or custom days", async () => {
    const range = async (dateRange: CampaignListQuery['dateRange'], zone?: string) =>
      (await ids({ search: 'range', sort: 'schedule', dateRange, ...(zone ? { zone } : {}) })).map(
        (id) => id - 350,
      );
    expect(await range('today', 'Asia/Tokyo')).toEqual([6, 7]);
    expect(await range('week', 'Asia/Tokyo')).toEqual([4, 5, 6, 7, 8]);
    expect(await range('month', 'Asia/Tokyo')).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await range({ from: '2026-06-10', to: '2026-06-11' }, 'Asia/Tokyo')).toEqual([5, 6, 7]);
    expect(await range('today')).toEqual([5, 6]);
    await expect(range({ from: '2026-06-11', to: '2026-06-10' })).rejects.toBeInstanceOf(EndBeforeStartError);
  });

  it('sorts six ways, featured campaigns first', async () => {
    const expected: Record<CampaignSort, number[]> = {
      recent: [407, 406, 405, 404, 403, 402, 401],
      oldest: [407, 401, 402, 403, 404, 405, 406],
      name_asc: [407, 402, 401, 403, 404, 405, 406],
      name_desc: [407, 406, 405, 404, 403, 401, 402],
      schedule: [407, 405, 403, 404, 401, 406, 402],
      status: [407, 401, 403, 402, 404, 406, 405],
    };
    for (const sort of CAMPAIGN_SORTS) {
      expect(await ids({ search: 'sort ', sort }), sort).toEqual(expected[sort]);
    }
  });

  it('pages through a few hundred campaigns without losing or repeating one', async () => {
    // By status: many campaigns share each status, so only the tie-breaks keep pages apart.
    const size = 50;
    const first = await s.campaigns.list({ sort: 'status', pageSize: size });
    expect(first.total).toBeGreaterThan(250);
    expect(first.pages).toBe(Math.ceil(first.total / size));
    const seen: number[] = first.items.map((c) => c.id);
    for (let page = 2; page <= first.pages; page++) {
      const result = await s.campaigns.list({ sort: 'status', page, pageSize: size });
      expect(result.page).toBe(page);
      expect(result.items.length).toBe(page < first.pages ? size : first.total - size * (first.pages - 1));
      seen.push(...result.items.map((c) => c.id));
    }
    expect(new Set(seen).size).toBe(first.total);
    expect(seen).toEqual((await s.campaigns.list({ sort: 'status', pageSize: 1000 })).items.map((c) => c.id));
    const past = await s.campaigns.list({ page: 999, pageSize: size });
    expect(past.page).toBe(past.pages);
    expect(past.items.length).toBeGreaterThan(0);
  });

  it('exports the selected campaigns as RFC 4180 CSV, times in each campaign zone', async () => {
    const csv = await s.campaigns.exportCsv({ ids: [305, 301], sort: 'oldest' });
    expect(csv).toBe(
      [
        'ID,Name,Platform,Status,Training,Schedule At,Type,Created',
        '301,50% Off (Today),whatsapp,draft,not_trained,,promotional,2026-01-01 05:01 UTC',
        '305,"He said ""Hi"", again",whatsapp,scheduled,not_trained,2026-06-11 00:00 Asia/Tokyo,promotional,2026-06-01 09:00 Asia/Tokyo',
        '',
      ].join('\r\n'),
    );
    const filtered = await s.campaigns.exportCsv({ search: 'sort ', sort: 'name_asc' });
    expect(
      filtered
        .split('\r\n')
        .slice(1, -1)
        .map((line) => line.split(',')[0]),
    ).toEqual(['407', '402', '401', '403', '404', '405', '406']);
  });
});
