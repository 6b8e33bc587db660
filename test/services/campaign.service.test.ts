import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Campaign } from '../../src/db/campaign.repository.js';
import { defaultAudience } from '../../src/domain/campaign.js';
import {
  CampaignNotEditableError,
  EmptyAudienceError,
  EmptyMessageError,
  FeatureNotAvailableError,
  IllegalTransitionError,
  NotFoundError,
  PastScheduleError,
  UnfilledPlaceholderError,
} from '../../src/domain/errors.js';
import type { Services } from '../../src/services/index.js';
import { ADMIN, createServiceHarness, OWNER, type ServiceHarness } from './setup.js';

const GROUP = -1002000000001;

describe('campaign use cases', () => {
  let h: ServiceHarness;
  let s: Services;

  beforeAll(async () => {
    h = await createServiceHarness(new Date('2026-06-10T12:00:00Z'));
    s = h.services;
    await s.chats.register({ id: GROUP, type: 'supergroup', title: 'Tech Lovers', memberCount: 2450 });
    await s.contacts.importContacts([
      { line: 2, phone: '+12025550171', name: 'Ann', segments: ['VIP Customers'] },
    ]);
    await s.admins.setTimeZone(ADMIN, 'Asia/Tokyo');
  });
  afterAll(() => h.db.drop());

  /** A Telegram draft with a message and one group: ready to schedule. */
  async function readyTelegram(name = 'Ready'): Promise<Campaign> {
    const c = await s.campaigns.create({ name, platform: 'telegram', adminId: OWNER });
    return s.campaigns.update(
      c.id,
      { message: { text: 'Hello *group*' }, audience: { ...defaultAudience('telegram'), groupIds: [GROUP] } },
      OWNER,
    );
  }

  it('creates drafts with the domain defaults, numbered from one counter shared by both platforms', async () => {
    const wa = await s.campaigns.create({ name: '  Summer Sale ', platform: 'whatsapp', adminId: ADMIN });
    const tg = await s.campaigns.create({
      name: 'Weekend',
      platform: 'telegram',
      type: 'engagement',
      adminId: OWNER,
    });
    expect(tg.id).toBe(wa.id + 1);
    expect(wa).toMatchObject({
      name: 'Summer Sale',
      status: 'draft',
      type: 'promotional',
      featured: false,
      training: 'not_trained',
      audience: { kind: 'whatsapp', all: true },
      settings: { maxPerMinute: 50, batchDelaySeconds: 2 },
      schedule: { zone: 'Asia/Tokyo', frequency: 'none' },
      createdBy: ADMIN,
    });
    expect(tg).toMatchObject({ type: 'engagement', audience: { kind: 'telegram', allSubscribers: false } });
    expect(tg.schedule.zone).toBe('UTC');
    await expect(
      s.campaigns.create({ name: '   ', platform: 'telegram', adminId: OWNER }),
    ).rejects.toMatchObject({
      code: 'empty-name',
    });
  });

  it('edits parts of a draft and validates what changes', async () => {
    const c = await s.campaigns.create({ name: 'Edit me', platform: 'whatsapp', adminId: OWNER });
    const edited = await s.campaigns.update(
      c.id,
      {
        name: 'Edited',
        settings: { maxPerMinute: 20 },
        schedule: { date: '2026-07-01', time: '9:30', frequency: 'weekly' },
      },
      ADMIN,
    );
    expect(edited).toMatchObject({
      name: 'Edited',
      settings: { maxPerMinute: 20, batchDelaySeconds: 2, trackRead: true },
      schedule: { localDate: '2026-07-01', localTime: '09:30', zone: 'UTC', frequency: 'weekly' },
      updatedBy: ADMIN,
    });
    expect(edited.schedule.at).toEqual(new Date('2026-07-01T09:30:00Z'));
    await expect(s.campaigns.update(c.id, { message: { text: ' ' } }, OWNER)).rejects.toBeInstanceOf(
      EmptyMessageError,
    );
    await expect(s.campaigns.update(c.id, { settings: { maxPerMinute: 0 } }, OWNER)).rejects.toMatchObject({
      code: 'invalid-setting',
    });
    await expect(s.campaigns.update(9999, { name: 'x' }, OWNER)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps Telegram buttons row by row through edits, lists and copies', async () => {
    const c = await readyTelegram('Buttons');
    const buttons = [
      [{ text: 'Shop', url: 'https://example.com/shop' }],
      [
        { text: 'A', url: 'https://example.com/a' },
        { text: 'B', url: 'https://example.com/b' },
      ],
    ];
    const edited = await s.campaigns.update(c.id, { message: { text: 'Pick one', buttons } }, OWNER);
    expect(edited.message.buttons).toEqual(buttons);
    expect((await s.campaigns.get(c.id)).message.buttons).toEqual(buttons);
    expect((await s.campaigns.list({ search: 'buttons' })).items[0]?.message.buttons).toEqual(buttons);
    expect((await s.campaigns.duplicate(c.id, OWNER)).message.buttons).toEqual(buttons);
  });

  it('schedules only a future, complete campaign with recipients', async () => {
    const c = await s.campaigns.create({ name: 'To schedule', platform: 'telegram', adminId: OWNER });
    const at = { date: '2026-06-11', time: '10:00' };
    await expect(s.campaigns.schedule(c.id, at, OWNER)).rejects.toBeInstanceOf(EmptyMessageError);
    await s.campaigns.update(c.id, { message: { text: 'Use code [CODE] now' } }, OWNER);
    await expect(s.campaigns.schedule(c.id, at, OWNER)).rejects.toBeInstanceOf(UnfilledPlaceholderError);
    await s.campaigns.update(c.id, { message: { text: 'Hi [First name], use code SUMMER' } }, OWNER);
    await expect(s.campaigns.schedule(c.id, at, OWNER)).rejects.toBeInstanceOf(EmptyAudienceError);
    await s.campaigns.update(
      c.id,
      { audience: { ...defaultAudience('telegram'), groupIds: [GROUP] } },
      OWNER,
    );
    await expect(
      s.campaigns.schedule(c.id, { date: '2026-06-09', time: '10:00' }, OWNER),
    ).rejects.toBeInstanceOf(PastScheduleError);
    const scheduled = await s.campaigns.schedule(c.id, { ...at, zone: 'Europe/Berlin' }, ADMIN);
    expect(scheduled).toMatchObject({
      status: 'scheduled',
      startedBy: ADMIN,
      schedule: { zone: 'Europe/Berlin' },
    });
    expect(scheduled.schedule.at).toEqual(new Date('2026-06-11T08:00:00Z'));
    // Still editable while scheduled, but it must stay sendable.
    await expect(
      s.campaigns.update(c.id, { schedule: { date: '2026-06-01', time: '10:00' } }, OWNER),
    ).rejects.toBeInstanceOf(PastScheduleError);
    await expect(
      s.campaigns.update(c.id, { message: { text: 'Link: [Link]' } }, OWNER),
    ).rejects.toBeInstanceOf(UnfilledPlaceholderError);
    const renamed = await s.campaigns.update(c.id, { name: 'Rescheduled' }, OWNER);
    expect(renamed.status).toBe('scheduled');
    expect((await s.campaigns.unschedule(c.id, OWNER)).status).toBe('draft');
  });

  it('"send now" hands the campaign to the dispatcher at once and remembers who asked', async () => {
    const c = await readyTelegram('Now');
    const sent = await s.campaigns.sendNow(c.id, ADMIN);
    expect(sent).toMatchObject({
      status: 'scheduled',
      startedBy: ADMIN,
      schedule: { localDate: '2026-06-10', localTime: '12:00' },
    });
    expect(sent.schedule.at).toEqual(h.clock.now);
    const again = await s.campaigns.sendNow(c.id, OWNER);
    expect(again).toMatchObject({ status: 'scheduled', startedBy: OWNER });
    await h.models.Campaign.updateOne({ _id: c.id }, { status: 'published' });
    await expect(s.campaigns.sendNow(c.id, OWNER)).rejects.toBeInstanceOf(IllegalTransitionError);
  });

  it('refuses to edit a published campaign, which can still be duplicated', async () => {
    const c = await readyTelegram('Published one');
    await h.models.Campaign.updateOne({ _id: c.id }, { status: 'published', featured: true });
    const refused = s.campaigns.update(c.id, { name: 'Changed' }, OWNER);
    await expect(refused).rejects.toBeInstanceOf(CampaignNotEditableError);
    await expect(refused).rejects.toMatchObject({
      code: 'campaign-not-editable',
      params: { status: 'published' },
    });
    const copy = await s.campaigns.duplicate(c.id, ADMIN);
    expect(copy.id).toBeGreaterThan(c.id);
    expect(copy).toMatchObject({
      name: 'Copy of Published one',
      status: 'draft',
      featured: false,
      platform: 'telegram',
      message: { text: 'Hello *group*' },
      audience: { groupIds: [GROUP] },
      createdBy: ADMIN,
      schedule: { frequency: 'none' },
    });
    expect(copy.schedule.at).toBeUndefined();
    expect((await s.campaigns.get(c.id)).name).toBe('Published one');
  });

  it('deletes a scheduled campaign for good and archives a published one', async () => {
    const scheduled = await readyTelegram('Scheduled gone');
    await s.campaigns.schedule(scheduled.id, { date: '2026-06-12', time: '10:00' }, OWNER);
    expect(await s.campaigns.remove(scheduled.id, OWNER)).toBe('remove');
    await expect(s.campaigns.get(scheduled.id)).rejects.toBeInstanceOf(NotFoundError);

    const published = await readyTelegram('Published kept');
    await h.models.Campaign.updateOne({ _id: published.id }, { status: 'published' });
    expect(await s.campaigns.remove(published.id, OWNER)).toBe('archive');
    const archived = await s.campaigns.get(published.id);
    expect(archived.status).toBe('archived');
    expect(archived.archivedAt).toEqual(h.clock.now);
    const visible = await s.campaigns.list({ search: 'Published kept' });
    expect(visible.total).toBe(0);
    expect((await s.campaigns.list({ search: 'Published kept', status: 'archived' })).total).toBe(1);
    await expect(s.campaigns.remove(published.id, OWNER)).rejects.toBeInstanceOf(IllegalTransitionError);
  });

  it('features WhatsApp campaigns only; trains WhatsApp and Telegram private-chat ones, not groups-only', async () => {
    const wa = await s.campaigns.create({ name: 'Star', platform: 'whatsapp', adminId: OWNER });
    expect((await s.campaigns.setFeatured(wa.id, true, OWNER)).featured).toBe(true);
    expect((await s.campaigns.setTraining(wa.id, 'trained', OWNER)).training).toBe('trained');
    const tg = await readyTelegram('No star');
    const refused = s.campaigns.setFeatured(tg.id, true, OWNER);
    await expect(refused).rejects.toBeInstanceOf(FeatureNotAvailableError);
    await expect(refused).rejects.toMatchObject({ params: { feature: 'feature', platform: 'telegram' } });
    await expect(s.campaigns.setTraining(tg.id, 'trained', OWNER)).rejects.toMatchObject({
      code: 'training-groups-only',
    });
  });

  it('pauses, resumes and cancels a running send through the transition table', async () => {
    const c = await readyTelegram('Running');
    await h.models.Campaign.updateOne(
      { _id: c.id },
      { status: 'sending', lease: { owner: 'dispatcher-1', expiresAt: new Date('2026-06-10T12:00:30Z') } },
    );
    const paused = await s.campaigns.pause(c.id, OWNER);
    expect(paused).toMatchObject({ status: 'paused', pauseReason: 'manual' });
    await expect(s.campaigns.pause(c.id, OWNER)).rejects.toBeInstanceOf(IllegalTransitionError);
    const resumed = await s.campaigns.resume(c.id, ADMIN);
    expect(resumed.status).toBe('sending');
    expect(resumed.pauseReason).toBeUndefined();
    expect(resumed.lease?.owner).toBeUndefined();
    expect(resumed.lease?.expiresAt?.getTime()).toBeLessThan(h.clock.now.getTime());
    expect((await s.campaigns.cancel(c.id, OWNER)).status).toBe('cancelled');
  });

  it('cancelling a paused send removes its dispatch working sets, and only its own', async () => {
    const c = await readyTelegram('Paused then cancelled');
    const other = await readyTelegram('Still paused');
    const db = h.models.Campaign.db;
    for (const id of [c.id, other.id]) {
      await h.models.Campaign.updateOne({ _id: id }, { status: 'paused', run: 1, pauseReason: 'manual' });
      await db
        .collection('dispatch_pages')
        .insertOne({ _id: `${id}:1:0` as never, campaignId: id, run: 1, page: 0, items: [] });
      await db
        .collection('dispatch_claims')
        .insertOne({ campaignId: id, run: 1, recipient: 'tg:1', pass: 0 });
    }
    const left = async (id: number) =>
      (await db.collection('dispatch_pages').countDocuments({ campaignId: id })) +
      (await db.collection('dispatch_claims').countDocuments({ campaignId: id }));

    expect((await s.campaigns.cancel(c.id, OWNER)).status).toBe('cancelled');
    expect(await left(c.id)).toBe(0);
    expect(await left(other.id)).toBe(2);
  });

  it('retries a failed campaign by resending only the failed deliveries of its last run', async () => {
    const c = await readyTelegram('Failed send');
    await h.models.Campaign.updateOne(
      { _id: c.id },
      {
        status: 'failed',
        run: 2,
        lastError: 'too many failures',
      },
    );
    const delivery = (run: number, n: number, status: string) => ({
      campaignId: c.id,
      run,
      recipient: `tg:${n}`,
      seq: n,
      platform: 'telegram',
      chatId: n,
      status,
      ...(status === 'failed' ? { reason: 'network', error: 'ETIMEDOUT', failedAt: h.clock.now } : {}),
    });
    await h.models.Delivery.insertMany([
      delivery(1, 1, 'failed'),
      delivery(2, 1, 'failed'),
      delivery(2, 2, 'failed'),
      delivery(2, 3, 'sent'),
      delivery(2, 4, 'failed'),
    ]);
    const retried = await s.campaigns.retry(c.id, ADMIN);
    expect(retried).toMatchObject({ status: 'sending', run: 2, startedBy: ADMIN });
    // The figures moved with the deliveries: the failed ones are pending again.
    expect(await s.analytics.campaignStats(c.id, 2)).toMatchObject({
      total: 4,
      sent: 1,
      failed: 0,
      pending: 3,
    });
    expect(retried.lastError).toBeUndefined();
    expect(retried.lease?.owner).toBeUndefined();
    expect(retried.lease?.expiresAt?.getTime()).toBeLessThan(h.clock.now.getTime());
    const byStatus = async (run: number) =>
      (await h.models.Delivery.find({ campaignId: c.id, run }).sort({ seq: 1 }).lean()).map((d) => [
        d.status,
        d.reason,
      ]);
    expect(await byStatus(2)).toEqual([
      ['pending', undefined],
      ['pending', undefined],
      ['sent', undefined],
      ['pending', undefined],
    ]);
    expect(await byStatus(1)).toEqual([['failed', 'network']]);
    await expect(s.campaigns.retry(c.id, ADMIN)).rejects.toBeInstanceOf(IllegalTransitionError);
  });
});
