import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CampaignRepository, createCampaignRepository } from '../../src/db/campaign.repository.js';
import { createModels } from '../../src/db/models.js';
import { connectMongo } from '../../src/db/mongo.js';
import { type CampaignListQuery, createServices, type Services } from '../../src/services/index.js';
import { testLogger } from '../support/services.js';
import { campaignDoc, createServiceHarness, OWNER, type ServiceHarness } from './setup.js';

const config = { ADMIN_IDS: [OWNER], DEFAULT_TIMEZONE: 'UTC' };

/**
 * The /campaigns list reads a copy of each campaign's list fields (src/db/campaign-list-index.ts).
 * These tests change campaigns every way the app does, and some ways it should not, and check that
 * the list shows the campaigns as they are.
 */
describe('campaign list index', () => {
  let h: ServiceHarness;
  let s: Services;
  let repo: CampaignRepository;
  const syncErrors: string[] = [];
  const ids = async (query: CampaignListQuery) =>
    (await s.campaigns.list({ pageSize: 100, ...query })).items.map((c) => c.id);
  /** the index rows of these campaigns against the campaigns themselves */
  const rowsAndCampaigns = async (list: number[]) => [
    (await repo.listKeys({ ids: list }, 'oldest')).keys,
    await repo.keysOf(list, 'oldest'),
  ];

  beforeAll(async () => {
    h = await createServiceHarness(new Date('2026-06-10T12:00:00Z'));
    s = h.services;
    repo = createCampaignRepository(h.models);
    repo.onListSyncError((err) => syncErrors.push(String(err)));
    await s.contacts.importContacts([{ line: 2, phone: '+12025550171', name: 'Ann', segments: [] }]);
  });
  afterAll(() => h.db.drop());

  it('shows every change the app makes at once: create, rename, feature, schedule, send, cancel, duplicate, delete, archive, train', async () => {
    const a = await s.campaigns.create({ name: 'Alpha offer', platform: 'whatsapp', adminId: OWNER });
    const b = await s.campaigns.create({ name: 'Beta news', platform: 'whatsapp', adminId: OWNER });
    const c = await s.campaigns.create({ name: 'Gamma digest', platform: 'telegram', adminId: OWNER });
    expect(await ids({})).toEqual([c.id, b.id, a.id]);

    await s.campaigns.update(a.id, { name: 'Omega offer', message: { text: 'Hi there' } }, OWNER);
    expect(await ids({ search: 'alpha' })).toEqual([]);
    expect(await ids({ search: 'OMEGA' })).toEqual([a.id]);
    expect(await ids({ sort: 'name_asc' })).toEqual([b.id, c.id, a.id]);

    await s.campaigns.setFeatured(a.id, true, OWNER);
    expect(await ids({})).toEqual([a.id, c.id, b.id]);
    await s.campaigns.setFeatured(a.id, false, OWNER);
    expect(await ids({})).toEqual([c.id, b.id, a.id]);

    await s.campaigns.schedule(a.id, { date: '2026-06-20', time: '09:00' }, OWNER);
    expect(await ids({ status: 'scheduled' })).toEqual([a.id]);
    expect(await ids({ dateRange: 'month' })).toEqual([a.id]);
    expect(await ids({ status: 'draft' })).toEqual([c.id, b.id]);

    // The dispatcher claims due campaigns with a write whose filter names no id.
    await h.models.Campaign.findOneAndUpdate(
      { platform: 'whatsapp', status: 'scheduled' },
      { $set: { status: 'sending', 'schedule.at': new Date('2026-06-10T11:00:00Z') } },
    ).exec();
    expect(await ids({ status: 'sending' })).toEqual([a.id]);
    expect(await ids({ dateRange: 'today' })).toEqual([a.id]);
    await s.campaigns.cancel(a.id, OWNER);
    expect(await ids({ status: 'cancelled' })).toEqual([a.id]);

    const copy = await s.campaigns.duplicate(a.id, OWNER);
    expect(await ids({ status: 'draft', sort: 'oldest' })).toEqual([b.id, c.id, copy.id]);
    expect(await s.campaigns.remove(copy.id, OWNER)).toBe('remove');
    expect(await ids({ status: 'draft' })).toEqual([c.id, b.id]);

    await h.models.Campaign.updateOne({ _id: b.id }, { status: 'published' }).exec();
    expect(await s.campaigns.remove(b.id, OWNER)).toBe('archive');
    expect(await ids({})).toEqual([c.id, a.id]);
    expect(await ids({ status: 'archived' })).toEqual([b.id]);
    expect((await s.campaigns.list({ status: 'all' })).total).toBe(2);

    await s.campaigns.setTraining(a.id, 'trained', OWNER);
    expect(await ids({ training: 'trained' })).toEqual([a.id]);
    await h.models.Campaign.deleteOne({ _id: c.id }).exec();
    expect(await ids({ platform: 'telegram' })).toEqual([]);
  });

  it('a campaign in a block of ids nobody used yet gets its bucket', async () => {
    await h.models.Campaign.create(campaignDoc(880_001, { name: 'Far away', status: 'scheduled' }));
    expect(await ids({ search: 'far away', status: 'scheduled' })).toEqual([880_001]);
  });

  it('a write that bypassed the model is repaired as soon as a page shows the campaign', async () => {
    const d = await s.campaigns.create({ name: 'Delta unique', platform: 'whatsapp', adminId: OWNER });
    const e = await s.campaigns.create({ name: 'Epsilon unique', platform: 'whatsapp', adminId: OWNER });
    await h.models.Campaign.collection.updateOne(
      { _id: d.id as never },
      { $set: { name: 'Zeta unique', nameLower: 'zeta unique' } },
    );
    await h.models.Campaign.collection.updateOne({ _id: e.id as never }, { $set: { status: 'archived' } });
    expect(await ids({ search: 'zeta' })).toEqual([]); // the index still has the old name
    // As indexed, this page holds Epsilon and Delta: both differ from their campaigns.
    const page = await s.campaigns.list({ search: 'unique' });
    expect(page.items.map((c) => [c.id, c.name])).toEqual([[d.id, 'Zeta unique']]);
    expect(page.total).toBe(1);
    expect(await ids({ search: 'zeta' })).toEqual([d.id]);
    expect(await ids({ status: 'archived', search: 'unique' })).toEqual([e.id]);
  });

  it('reconcile finds and repairs rows no page showed, and is a no-op when all agree', async () => {
    await h.models.Campaign.collection.insertMany([
      campaignDoc(5_001, { name: 'Raw one', status: 'published' }),
      campaignDoc(5_002, { name: 'Raw two', status: 'scheduled', at: new Date('2026-07-01T00:00:00Z') }),
    ] as never[]);
    const f = await s.campaigns.create({ name: 'Hidden change', platform: 'whatsapp', adminId: OWNER });
    await h.models.Campaign.collection.updateOne({ _id: f.id as never }, { $set: { status: 'scheduled' } });
    expect(await ids({ search: 'raw' })).toEqual([]);
    expect(await ids({ status: 'scheduled', search: 'hidden' })).toEqual([]);

    expect(await repo.reconcileListKeys(h.clock.now)).toBe(3);
    expect(await ids({ search: 'raw', sort: 'oldest' })).toEqual([5_001, 5_002]);
    expect(await ids({ status: 'scheduled', search: 'hidden' })).toEqual([f.id]);
    await h.models.Campaign.collection.deleteOne({ _id: 5_001 as never });
    expect(await repo.reconcileListKeys(h.clock.now)).toBe(1);
    expect(await ids({ search: 'raw' })).toEqual([5_002]);
    expect(await repo.reconcileListKeys(h.clock.now)).toBe(0);
  });

  it('concurrent writers, on one campaign or on neighbours in one bucket, leave every row as its campaign', async () => {
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        s.campaigns.create({ name: `Crowd ${i}`, platform: 'whatsapp', adminId: OWNER }),
      ),
    );
    const crowd = created.map((c) => c.id);
    await Promise.all([
      ...crowd.map((id, i) => s.campaigns.update(id, { name: `Crowd renamed ${i}` }, OWNER)),
      ...crowd.map((id, i) => s.campaigns.setFeatured(id, i % 2 === 0, OWNER)),
      // One campaign written by many at once (on FerretDB the last write-back wins, whichever it is).
      ...Array.from({ length: 10 }, (_, k) =>
        h.models.Campaign.updateOne(
          { _id: crowd[0] },
          { $set: { name: `Contested ${k}`, nameLower: `contested ${k}`, featured: k % 2 === 1 } },
        ).exec(),
      ),
    ]);
    expect(syncErrors).toEqual([]);
    const [rows, campaigns] = await rowsAndCampaigns(crowd);
    expect(rows).toHaveLength(30);
    expect(rows).toEqual(campaigns);
    expect(await repo.reconcileListKeys(h.clock.now)).toBe(0);
  });

  it('two processes writing neighbours at once (each with its own connection) agree on every row', async () => {
    const other = await createModels(await connectMongo(h.db.uri, testLogger));
    const otherRepo = createCampaignRepository(other);
    const otherServices = createServices({ models: other, logger: testLogger, config, redis: h.redis });
    otherRepo.onListSyncError((err) => syncErrors.push(String(err)));
    try {
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? s : otherServices).campaigns.create({
            name: `Pair ${i}`,
            platform: 'whatsapp',
            adminId: OWNER,
          }),
        ),
      );
      const pair = created.map((c) => c.id);
      await Promise.all(
        pair.flatMap((id, i) => [
          h.models.Campaign.updateOne({ _id: id }, { $set: { status: 'scheduled' } }).exec(),
          other.Campaign.updateOne({ _id: id }, { $set: { featured: true, training: 'trained' } }).exec(),
          (i % 2 ? repo : otherRepo).patch(id, { name: `Pair two ${i}`, nameLower: `pair two ${i}` }),
        ]),
      );
      expect(syncErrors).toEqual([]);
      const [rows, campaigns] = await rowsAndCampaigns(pair);
      expect(rows).toHaveLength(20);
      expect(rows).toEqual(campaigns);
      expect(await repo.reconcileListKeys(h.clock.now)).toBe(0);
    } finally {
      await otherServices.counters.close();
      await other.Campaign.db.close();
    }
  });
});
