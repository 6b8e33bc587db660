import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaignRepository } from '../../src/db/campaign.repository.js';
import { createContactRepository } from '../../src/db/contact.repository.js';
import { createDeliveryRepository } from '../../src/db/delivery.repository.js';
import { createModels, type Models } from '../../src/db/models.js';
import { createRecountRepository } from '../../src/db/recount.repository.js';
import { defaultAudience, defaultSettings } from '../../src/domain/campaign.js';
import { ConcurrentChangeError, IllegalTransitionError } from '../../src/domain/errors.js';
import { campaignDoc } from '../services/setup.js';
import { createTestDb, type TestDb } from '../support/services.js';

describe('repositories on FerretDB', () => {
  let db: TestDb;
  let models: Models;
  beforeAll(async () => {
    db = await createTestDb();
    models = await createModels(db.conn);
  });
  afterAll(() => db.drop());

  it('gives every new campaign its own number, even when many are created at once', async () => {
    const repo = createCampaignRepository(models);
    const fields = {
      name: 'Race',
      platform: 'telegram' as const,
      type: 'promotional' as const,
      status: 'draft' as const,
      audience: defaultAudience('telegram'),
      message: { text: '' },
      schedule: { zone: 'UTC', frequency: 'none' as const },
      settings: defaultSettings('telegram'),
    };
    const created = await Promise.all(Array.from({ length: 25 }, () => repo.insertNew(fields)));
    const ids = created.map((c) => c.id);
    expect(new Set(ids).size).toBe(25);
    expect(await models.Campaign.countDocuments({ name: 'Race' })).toBe(25);
    await repo.ensureCounterAtLeast(1000);
    expect(await repo.nextId()).toBe(1001);
  });

  it('writes a status change only while the campaign is still in the status it was read in', async () => {
    const repo = createCampaignRepository(models);
    await models.Campaign.collection.insertOne(campaignDoc(500, { status: 'scheduled' }) as never);
    const cancelled = await repo.changeStatus(500, 'scheduled', 'cancel');
    expect(cancelled.status).toBe('cancelled');
    // A second admin still looking at the scheduled campaign tries to unschedule it.
    const late = repo.changeStatus(500, 'scheduled', 'unschedule');
    await expect(late).rejects.toBeInstanceOf(ConcurrentChangeError);
    await expect(late).rejects.toMatchObject({
      code: 'concurrent-change',
      params: { id: 500, expected: 'scheduled', actual: 'cancelled' },
    });
    await expect(repo.changeStatus(500, 'cancelled', 'pause')).rejects.toBeInstanceOf(IllegalTransitionError);
    expect((await repo.get(500))?.status).toBe('cancelled');
  });

  it('refuses a second delivery for the same campaign, run and recipient', async () => {
    const base = { campaignId: 7, recipient: 'tg:-1001', seq: 0, platform: 'telegram' as const };
    await models.Delivery.create({ ...base, run: 1 });
    await expect(models.Delivery.create({ ...base, run: 1, seq: 1 })).rejects.toMatchObject({ code: 11000 });
    await models.Delivery.create({ ...base, run: 2 });
    await models.Delivery.create({ ...base, run: 1, recipient: 'tg:-1002' });
    expect(await models.Delivery.countDocuments({ campaignId: 7 })).toBe(3);
  });

  it('recounts a run from its deliveries, and sets its failed ones back to pending for a retry', async () => {
    const repo = createDeliveryRepository(models);
    const recount = createRecountRepository(models);
    const at = new Date();
    await models.Delivery.insertMany([
      ...['a', 'b', 'c'].map((r, i) => ({
        campaignId: 8,
        run: 1,
        recipient: `wa:+1555${r}`,
        seq: i,
        platform: 'whatsapp',
        status: 'read',
        respondedAt: at,
        responseMs: 60_000 * (i + 1),
      })),
      {
        campaignId: 8,
        run: 1,
        recipient: 'wa:+1555d',
        seq: 3,
        platform: 'whatsapp',
        status: 'failed',
        reason: 'blocked',
      },
      {
        campaignId: 8,
        run: 1,
        recipient: 'wa:+1555e',
        seq: 4,
        platform: 'whatsapp',
        status: 'failed',
        reason: 'network',
      },
      {
        campaignId: 8,
        run: 2,
        recipient: 'wa:+1555a',
        seq: 0,
        platform: 'whatsapp',
        status: 'failed',
        reason: 'network',
        clickedAt: at,
      },
    ]);
    expect(await recount.run(8, 1)).toMatchObject({
      total: 5,
      sent: 3,
      delivered: 3,
      read: 3,
      failed: 2,
      reasons: { blocked: 1, network: 1 },
      clicked: 0,
      responded: 3,
      responseMs: 360_000,
    });
    expect(await recount.run(8, 2)).toMatchObject({
      sent: 0,
      failed: 1,
      reasons: { network: 1 },
      clicked: 1,
    });
    expect(await repo.failedByReason(8, 1)).toEqual({ blocked: 1, network: 1 });
    expect(await repo.resetFailed(8, 1)).toBe(2);
    expect(
      await models.Delivery.countDocuments({
        campaignId: 8,
        run: 1,
        status: 'pending',
        reason: { $exists: false },
      }),
    ).toBe(2);
    expect(await models.Delivery.countDocuments({ campaignId: 8, run: 2, status: 'failed' })).toBe(1);
  });

  it('upserts contacts by phone without undoing an opt-out', async () => {
    const repo = createContactRepository(models);
    expect(
      await repo.upsertMany([{ phone: '+12025550150', name: 'Ann', segments: ['VIP Customers'] }], 'import'),
    ).toMatchObject({ added: 1, updated: 0 });
    // Both writes return the contact as written (the audience counts take it from there).
    expect(await repo.optOut('+12025550150', new Date())).toMatchObject({ optedOut: true });
    expect(
      await repo.upsertMany([{ phone: '+12025550150', segments: ['New Leads'] }], 'import'),
    ).toMatchObject({
      added: 0,
      updated: 1,
      contacts: [{ phone: '+12025550150', optedOut: true, segments: ['VIP Customers', 'New Leads'] }],
    });
    const [contact] = await repo.list(undefined, 0, 10);
    expect(contact).toMatchObject({
      phone: '+12025550150',
      name: 'Ann',
      optedOut: true,
      segments: ['VIP Customers', 'New Leads'],
    });
  });
});
