import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/index.js';
import { campaignDoc, createServiceHarness, OWNER, type ServiceHarness } from './setup.js';

describe('bulk actions', () => {
  let h: ServiceHarness;
  let s: Services;

  beforeAll(async () => {
    h = await createServiceHarness();
    s = h.services;
    await h.models.Campaign.collection.insertMany([
      campaignDoc(1, { status: 'draft' }),
      campaignDoc(2, { status: 'scheduled', at: new Date('2026-07-01T10:00:00Z') }),
      campaignDoc(3, { status: 'published' }),
      campaignDoc(4, { status: 'sending' }),
      campaignDoc(5, { status: 'failed' }),
      campaignDoc(6, { status: 'scheduled', platform: 'telegram' }),
      campaignDoc(7, { status: 'paused' }),
    ] as never[]);
    await h.models.Counter.create({ _id: 'campaigns', value: 7 });
  });
  afterAll(() => h.db.drop());

  it('deletes each selected campaign by its own rule and says which were refused and why', async () => {
    const report = await s.bulk.remove([1, 3, 4, 2, 404], OWNER);
    expect(report.done).toEqual([
      { id: 1, result: 'remove' },
      { id: 3, result: 'archive' },
      { id: 2, result: 'remove' },
    ]);
    expect(report.refused).toEqual([
      { id: 4, code: 'illegal-transition', params: { from: 'sending', action: 'delete' } },
      { id: 404, code: 'not-found', params: { entity: 'campaign', id: 404 } },
    ]);
    expect(await h.models.Campaign.find({}, { status: 1 }).sort({ _id: 1 }).lean()).toEqual([
      { _id: 3, status: 'archived' },
      { _id: 4, status: 'sending' },
      { _id: 5, status: 'failed' },
      { _id: 6, status: 'scheduled' },
      { _id: 7, status: 'paused' },
    ]);
  });

  it('changes status only where the transition is legal', async () => {
    const report = await s.bulk.changeStatus([6, 5, 7], 'cancel', OWNER);
    expect(report.done).toEqual([
      { id: 6, result: 'cancelled' },
      { id: 7, result: 'cancelled' },
    ]);
    expect(report.refused).toEqual([
      { id: 5, code: 'illegal-transition', params: { from: 'failed', action: 'cancel' } },
    ]);
    const archive = await s.bulk.changeStatus([5, 6, 4], 'archive', OWNER);
    expect(archive.done.map((d) => d.id)).toEqual([5, 6]);
    expect(archive.refused.map((r) => [r.id, r.code])).toEqual([[4, 'illegal-transition']]);
  });

  it('duplicates the selection into new drafts; bulk training trains from intents and says why not', async () => {
    const copies = await s.bulk.duplicate([3, 4], OWNER);
    expect(copies.refused).toEqual([]);
    const newIds = copies.done.map((d) => d.result);
    expect(newIds).toEqual([8, 9]);
    const drafts = await s.campaigns.list({ search: 'copy of', sort: 'oldest' });
    expect(drafts.items.map((c) => [c.id, c.name, c.status])).toEqual([
      [8, 'Copy of Campaign 3', 'draft'],
      [9, 'Copy of Campaign 4', 'draft'],
    ]);

    const telegram = await s.campaigns.create({ name: 'TG', platform: 'telegram', adminId: OWNER });
    // "Trained" really trains (see test/services/training.service.test.ts): copies have no intents yet.
    const training = await s.bulk.setTraining([8, telegram.id, 9], 'trained', OWNER);
    expect(training.done).toEqual([]);
    expect(training.refused).toEqual([
      { id: 8, code: 'training-too-few-intents', params: { count: 0, min: 2 } },
      { id: telegram.id, code: 'training-groups-only', params: {} },
      { id: 9, code: 'training-too-few-intents', params: { count: 0, min: 2 } },
    ]);
    const reset = await s.bulk.setTraining([8, 9], 'not_trained', OWNER);
    expect(reset.done).toEqual([
      { id: 8, result: 'not_trained' },
      { id: 9, result: 'not_trained' },
    ]);
  });
});
