import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaignRepository } from '../../src/db/campaign.repository.js';
import {
  type CampaignStatus,
  defaultAudience,
  type Platform,
  type TrainingStatus,
} from '../../src/domain/campaign.js';
import { createServices, type Services } from '../../src/services/index.js';
import { ADMIN_ID, type BotHarness, startBotHarness } from '../support/bot-harness.js';
import { testLogger } from '../support/services.js';

/** Campaign ids of the list lines in a list message, in the order shown. */
function listedIds(message: Message): number[] {
  return (message.text ?? '')
    .split('\n')
    .map((l) => /^(?:⚡ )?(?:\[(?:WA|TG)\] )?(\d+)\. /.exec(l)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number);
}

interface Seed {
  name: string;
  platform: Platform;
  status: Exclude<CampaignStatus, 'archived' | 'cancelled' | 'paused'>;
  at?: string;
  zone?: string;
  featured?: boolean;
  training?: TrainingStatus;
}

describe('/campaigns', () => {
  let h: BotHarness;
  let seedServices: Services;
  const ids = new Map<string, number>();

  /**
   * Campaigns go through the services as an admin would make them; the dispatcher's own moves
   * (start, complete, fail) go through the repository's transition table as the dispatcher does. The
   * seeding services' clock is pinned to 2025 so that the seed's 2025 dates count as "future" then.
   */
  async function seed(s: Seed): Promise<number> {
    const svc = seedServices;
    const c = await svc.campaigns.create({ name: s.name, platform: s.platform, adminId: ADMIN_ID });
    await svc.campaigns.update(
      c.id,
      {
        message: { text: `Hello! ${s.platform} news` },
        ...(s.platform === 'telegram'
          ? { audience: { ...defaultAudience('telegram'), allSubscribers: true } }
          : {}),
      },
      ADMIN_ID,
    );
    if (s.status !== 'draft') {
      const [date, time] = (s.at ?? '2029-06-13 11:24').split(' ') as [string, string];
      await svc.campaigns.schedule(c.id, { date, time, zone: s.zone ?? 'UTC' }, ADMIN_ID);
      const repo = createCampaignRepository(h.models);
      if (s.status !== 'scheduled') await repo.changeStatus(c.id, 'scheduled', 'start');
      if (s.status === 'published') await repo.changeStatus(c.id, 'sending', 'complete');
      if (s.status === 'failed') await repo.changeStatus(c.id, 'sending', 'fail');
    }
    if (s.featured) await svc.campaigns.setFeatured(c.id, true, ADMIN_ID);
    if (s.training) await svc.campaigns.setTraining(c.id, s.training, ADMIN_ID);
    ids.set(s.name, c.id);
    return c.id;
  }

  const id = (name: string) => ids.get(name)!;

  beforeAll(async () => {
    h = await startBotHarness();
    seedServices = createServices({
      models: h.models,
      logger: testLogger,
      config: h.config,
      clock: () => new Date('2025-01-01T00:00:00Z'),
      redis: h.redis,
    });
    await seedServices.contacts.importContacts([{ line: 1, phone: '+4915112345678', name: 'Ann' }]);
    await seedServices.subscribers.subscribe({ id: 222_100_001, first_name: 'Sub' });

    // The seed's ten campaigns (ids 1-10), then fifteen more so that lists have pages.
    await seed({
      name: 'Summer Super Sale',
      platform: 'whatsapp',
      status: 'published',
      at: '2029-06-13 11:24',
    });
    await seed({
      name: 'VIP Member Free Trial Week',
      platform: 'whatsapp',
      status: 'published',
      at: '2025-06-03 11:57',
    });
    await seed({
      name: 'Flash Offer – 50% Off Today',
      platform: 'whatsapp',
      status: 'published',
      at: '2025-06-05 17:57',
    });
    await seed({
      name: 'New Product Launch – Special Invite',
      platform: 'whatsapp',
      status: 'published',
      at: '2027-06-05 17:57',
    });
    await seed({
      name: 'Webinar Registration Now Open',
      platform: 'whatsapp',
      status: 'published',
      at: '2027-06-05 17:57',
    });
    await seed({
      name: 'Exclusive Telegram Deal',
      platform: 'telegram',
      status: 'scheduled',
      at: '2029-06-13 11:24',
    });
    await seed({
      name: 'Weekend Special Offer',
      platform: 'telegram',
      status: 'published',
      at: '2025-06-03 11:57',
    });
    await seed({
      name: 'Join Our Premium Membership',
      platform: 'telegram',
      status: 'published',
      at: '2025-06-05 17:57',
    });
    await seed({
      name: 'Holiday Season Price Drop',
      platform: 'telegram',
      status: 'scheduled',
      at: '2027-06-05 17:57',
    });
    await seed({
      name: 'Early Bird Special Discount',
      platform: 'telegram',
      status: 'scheduled',
      at: '2027-06-05 17:57',
    });
    for (let i = 1; i <= 8; i++) {
      await seed({
        name: `Spring Promo ${String(i).padStart(2, '0')}`,
        platform: 'whatsapp',
        status: i % 2 ? 'scheduled' : 'draft',
        at: `2028-03-0${i} 09:00`,
        zone: 'Asia/Tokyo',
        ...(i === 3 ? { training: 'trained' as const } : {}),
      });
    }
    await seed({
      name: 'Flash (a.b) Sale [VIP]',
      platform: 'whatsapp',
      status: 'failed',
      at: '2028-01-01 10:00',
    });
    await seed({
      name: 'Featured Launch',
      platform: 'whatsapp',
      status: 'scheduled',
      featured: true,
      at: '2028-02-02 10:00',
    });
    await seed({ name: 'Running Now', platform: 'whatsapp', status: 'sending', at: '2028-02-03 10:00' });
    await seed({ name: 'Telegram Draft One', platform: 'telegram', status: 'draft' });
    await seed({ name: 'Telegram Draft Two', platform: 'telegram', status: 'draft' });
    await seed({
      name: 'Telegram Later',
      platform: 'telegram',
      status: 'scheduled',
      at: '2028-12-24 18:00',
      zone: 'Europe/Berlin',
    });
    await seed({ name: 'Telegram Failed', platform: 'telegram', status: 'failed', at: '2028-01-05 08:00' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function openList(platform: string, pattern: RegExp): Promise<Message> {
    await h.admin.sendAndWait('/campaigns', /which platform/);
    return h.admin.pressAndWait(platform, pattern);
  }

  it('lists WhatsApp campaigns 10 per page, featured first, newest next, with status, training and zone', async () => {
    const page1 = await openList('🟢 WhatsApp', /WhatsApp campaigns \(16 total\) · page 1\/2/);
    const shown = listedIds(page1);
    expect(shown).toHaveLength(10);
    expect(shown[0]).toBe(id('Featured Launch'));
    expect(shown.slice(1, 4)).toEqual([
      id('Running Now'),
      id('Flash (a.b) Sale [VIP]'),
      id('Spring Promo 08'),
    ]);
    expect(page1.text).toContain(
      `⚡ ${id('Featured Launch')}. Featured Launch — 🕐 Scheduled, Not trained, 2028-02-02 10:00 UTC`,
    );
    expect(page1.text).toContain('Spring Promo 07 — 🕐 Scheduled, Not trained, 2028-03-07 09:00 Asia/Tokyo');
    expect(page1.text).toContain('Spring Promo 03 — 🕐 Scheduled, Trained, 2028-03-03 09:00 Asia/Tokyo');
    // one button per listed campaign, with the seed's tools
    const labels = h.admin.buttons().flat();
    expect(labels).toEqual(
      expect.arrayContaining([
        '⚡' + id('Featured Launch') + '. Featured Launch',
        '🔍 Search',
        'Filter',
        'Sort',
        '☑ Bulk',
        '▶',
      ]),
    );

    const page2 = await h.admin.pressAndWait('▶', /page 2\/2/);
    expect(listedIds(page2)).toEqual([id('Spring Promo 01'), 5, 4, 3, 2, 1]);
    expect(page2.text).toContain('1. Summer Super Sale — ✅ Published, Not trained, 2029-06-13 11:24 UTC');
    expect(h.admin.buttons().flat()).toContain('◀');
  });

  it('lists Telegram campaigns without a training column, as in the seed', async () => {
    const list = await openList('✈️ Telegram', /Telegram campaigns \(9 total\)/);
    expect(list.text).toContain('6. Exclusive Telegram Deal — 🕐 Scheduled, 2029-06-13 11:24 UTC');
    expect(list.text).toContain('Telegram Later — 🕐 Scheduled, 2028-12-24 18:00 Europe/Berlin');
    expect(list.text).not.toMatch(/trained/i);
  });

  it('filters by status and training, and searches names literally and case-insensitively', async () => {
    await openList('🟢 WhatsApp', /WhatsApp campaigns/);
    await h.admin.pressAndWait('Filter', /Filter the list/);
    await h.admin.pressAndWait('Published', /• Published|Filter: Published/);
    const published = await h.admin.pressAndWait(/Show 5 campaigns/, /WhatsApp campaigns \(5 total\)/);
    expect(listedIds(published)).toEqual([5, 4, 3, 2, 1]);
    expect(published.text).toContain('Filter: Published');

    await h.admin.pressAndWait('Filter', /Filter the list/);
    await h.admin.pressAndWait('All statuses', /Filter the list/);
    await h.admin.pressAndWait('Trained', /Filter: Trained/);
    const trained = await h.admin.pressAndWait(/Show 1 campaign$/, /\(1 total\)/);
    expect(listedIds(trained)).toEqual([id('Spring Promo 03')]);
    await h.admin.pressAndWait('Filter', /Filter the list/);
    await h.admin.pressAndWait('Reset', /Filter the list/);
    await h.admin.pressAndWait(/Show 16 campaigns/, /\(16 total\)/);

    // Regex metacharacters are taken literally: "(a.b)" matches only the name that contains it.
    await h.admin.pressAndWait('🔍 Search', /Type part of the campaign name/);
    const found = await h.admin.sendAndWait('(A.B)', /Search: “\(A\.B\)”/);
    expect(listedIds(found)).toEqual([id('Flash (a.b) Sale [VIP]')]);
    await h.admin.pressAndWait('🔍 Search', /Type part of the campaign name/);
    const flash = await h.admin.sendAndWait('flash', /Search: “flash”/);
    expect(listedIds(flash)).toEqual([id('Flash (a.b) Sale [VIP]'), 3]);
    await h.admin.pressAndWait('🔍 Search', /Type part of the campaign name/);
    const none = await h.admin.sendAndWait('.*', /Search: “\.\*”/);
    expect(listedIds(none)).toEqual([]);
    expect(none.text).toContain('No campaigns match');
    const cleared = await h.admin.pressAndWait('✕ Clear search', /\(16 total\)/);
    expect(cleared.text).not.toContain('Search:');

    // Date ranges are calendar periods in the admin's zone (UTC here), on the schedule time.
    const today = new Date().toISOString().slice(0, 10);
    const todayId = await seed({
      name: 'Today Special',
      platform: 'whatsapp',
      status: 'scheduled',
      at: `${today} 00:01`,
    });
    await openList('🟢 WhatsApp', /\(17 total\)/);
    await h.admin.pressAndWait('Filter', /Filter the list/);
    await h.admin.pressAndWait('Today', /Filter: Today/);
    const todays = await h.admin.pressAndWait(/Show 1 campaign$/, /\(1 total\)/);
    expect(listedIds(todays)).toEqual([todayId]);
    await h.services.campaigns.remove(todayId, ADMIN_ID);
  });

  it('sorts by name, schedule date and status', async () => {
    await openList('✈️ Telegram', /Telegram campaigns \(9 total\)/);
    await h.admin.pressAndWait('Sort', /Sort the list by/);
    const byName = await h.admin.pressAndWait('Name (A-Z)', /Sort: Name \(A-Z\)/);
    expect(listedIds(byName)).toEqual([
      10,
      6,
      9,
      8,
      id('Telegram Draft One'),
      id('Telegram Draft Two'),
      id('Telegram Failed'),
      id('Telegram Later'),
      7,
    ]);
    await h.admin.pressAndWait('Sort', /Sort the list by/);
    const desc = await h.admin.pressAndWait('Name (Z-A)', /Sort: Name \(Z-A\)/);
    expect(listedIds(desc)).toEqual(listedIds(byName).reverse());
    await h.admin.pressAndWait('Sort', /Sort the list by/);
    const bySchedule = await h.admin.pressAndWait('Schedule date', /Sort: Schedule date/);
    expect(listedIds(bySchedule)).toEqual([
      7,
      8,
      9,
      10,
      id('Telegram Failed'),
      id('Telegram Later'),
      6,
      id('Telegram Draft One'),
      id('Telegram Draft Two'),
    ]);
    await h.admin.pressAndWait('Sort', /Sort the list by/);
    const byStatus = await h.admin.pressAndWait('Status', /Sort: Status/);
    expect(listedIds(byStatus)).toEqual([
      8,
      7,
      id('Telegram Later'),
      10,
      9,
      6,
      id('Telegram Draft Two'),
      id('Telegram Draft One'),
      id('Telegram Failed'),
    ]);
    await h.admin.pressAndWait('Sort', /Sort the list by/);
    const oldest = await h.admin.pressAndWait('Oldest first', /Sort: Oldest first/);
    expect(listedIds(oldest).slice(0, 3)).toEqual([6, 7, 8]);
  });

  async function openCard(platform: string, name: string): Promise<Message> {
    await openList(platform, /campaigns \(/);
    return h.admin.pressAndWait(`${id(name)}. ${name}`, new RegExp(`#${id(name)} `));
  }

  async function dispatcherPublishes(campaignId: number): Promise<void> {
    const repo = createCampaignRepository(h.models);
    await repo.changeStatus(campaignId, 'scheduled', 'start');
    await repo.changeStatus(campaignId, 'sending', 'complete');
  }

  it("edits a scheduled campaign's name, with the domain's validation", async () => {
    const card = await openCard('✈️ Telegram', 'Holiday Season Price Drop');
    expect(card.text).toContain('Status: 🕐 Scheduled');
    expect(card.text).toContain('Schedule: 2027-06-05 17:57 UTC');
    await h.admin.pressAndWait('✏️ Edit', /What do you want to change in #9/);
    await h.admin.pressAndWait('Name', /Send the new name for #9/);
    const tooLong = await h.admin.sendAndWait('x'.repeat(101), /Try again/);
    expect(tooLong.text).toContain('101 characters long; the limit is 100');
    const saved = await h.admin.sendAndWait('Holiday Mega Drop', /Saved: #9 is updated/);
    expect(saved.text).toContain('#9 Holiday Mega Drop');
    const stored = await h.models.Campaign.findById(9).lean();
    expect(stored).toMatchObject({
      name: 'Holiday Mega Drop',
      nameLower: 'holiday mega drop',
      status: 'scheduled',
    });
    ids.set('Holiday Mega Drop', 9);
  });

  it("moves a schedule to a new time in the campaign's zone and keeps it scheduled", async () => {
    await openCard('✈️ Telegram', 'Telegram Later');
    await h.admin.pressAndWait('✏️ Edit', /What do you want to change/);
    await h.admin.pressAndWait('Schedule time', /Time zone: Europe\/Berlin/);
    const past = await h.admin.sendAndWait('2020-01-01 10:00', /Try again/);
    expect(past.text).toContain('in the past');
    const far = await h.admin.sendAndWait('2206-12-31 23:30', /Try again/);
    expect(far.text).toContain('“2206-12-31” is too far ahead: the latest date is 2100-12-31.');
    const saved = await h.admin.sendAndWait('2028-12-31 23:30', /Saved/);
    expect(saved.text).toContain('Schedule: 2028-12-31 23:30 Europe/Berlin');
    const stored = await h.models.Campaign.findById(id('Telegram Later')).lean();
    expect(stored?.schedule?.at?.toISOString()).toBe('2028-12-31T22:30:00.000Z');
    expect(stored?.status).toBe('scheduled');
  });

  it('refuses to edit a campaign published meanwhile and offers to duplicate it', async () => {
    const card = await openCard('✈️ Telegram', 'Early Bird Special Discount');
    await dispatcherPublishes(10);
    const press = h.admin.pressButton('✏️ Edit', { messageId: card.message_id });
    const answer = await h.admin.waitForAnswer(press);
    expect(answer.text).toBe('Published campaigns cannot be edited — duplicate it instead.');
    const refusal = await h.admin.waitForReply(/cannot be edited — duplicate it instead/);
    expect(refusal.text).toContain('Status: ✅ Published');
    expect(h.admin.buttons().flat()).toContain('⧉ Duplicate');

    const copy = await h.admin.pressAndWait(
      '⧉ Duplicate',
      /Created draft #\d+ “Copy of Early Bird Special Discount” from #10/,
    );
    const copyId = Number(/Created draft #(\d+)/.exec(copy.text ?? '')?.[1]);
    expect(copy.text).toContain('Status: 📝 Draft');
    expect(await h.models.Campaign.findById(copyId).lean()).toMatchObject({
      name: 'Copy of Early Bird Special Discount',
      status: 'draft',
      platform: 'telegram',
    });
    expect((await h.models.Campaign.findById(10).lean())?.status).toBe('published');
  });

  it('answers a press on an outdated card clearly, shows the current card and changes nothing', async () => {
    const card = await openCard('✈️ Telegram', 'Telegram Later');
    await seedServices.campaigns.cancel(id('Telegram Later'), ADMIN_ID);
    const press = h.admin.pressButton('🚫 Cancel', { messageId: card.message_id });
    const answer = await h.admin.waitForAnswer(press);
    expect(answer.text).toMatch(/has changed: it is now 🚫 Cancelled/);
    const fresh = await h.admin.waitForReply(/has changed/);
    expect(fresh.text).toContain('Status: 🚫 Cancelled');
    expect(h.admin.buttons(fresh.message_id).flat()).not.toContain('🚫 Cancel');
    expect((await h.models.Campaign.findById(id('Telegram Later')).lean())?.status).toBe('cancelled');
  });

  it('deletes a scheduled campaign after confirmation, and archives a published one', async () => {
    await openCard('✈️ Telegram', 'Exclusive Telegram Deal');
    await h.admin.pressAndWait('✕ Delete', /Delete #6 “Exclusive Telegram Deal”\? It is removed for good/);
    expect(await h.models.Campaign.findById(6).lean()).not.toBeNull();
    const gone = await h.admin.pressAndWait('✕ Yes, delete', /#6 “Exclusive Telegram Deal” is deleted/);
    expect(listedIds(gone)).not.toContain(6);
    expect(await h.models.Campaign.findById(6).lean()).toBeNull();

    await openCard('✈️ Telegram', 'Weekend Special Offer');
    await h.admin.pressAndWait('✕ Delete', /archived: kept for analytics/);
    const archived = await h.admin.pressAndWait('✕ Yes, delete', /#7 “Weekend Special Offer” is archived/);
    expect(listedIds(archived)).not.toContain(7);
    expect((await h.models.Campaign.findById(7).lean())?.status).toBe('archived');
  });

  it('bulk-deletes three selected campaigns and says which one was refused and why', async () => {
    await openList('🟢 WhatsApp', /WhatsApp campaigns/);
    await h.admin.pressAndWait('☑ Bulk', /Bulk mode/);
    for (const name of ['Running Now', 'Flash (a.b) Sale [VIP]', 'Spring Promo 02']) {
      await h.admin.pressAndWait(`☐ ${id(name)}. ${name}`, new RegExp(`☑ ${id(name)}\\.|#${id(name)}`));
    }
    expect(h.admin.buttons().flat()).toContain('✕ Delete selected (3)');
    await h.admin.pressAndWait('✕ Delete selected (3)', /Delete 3 selected campaigns/);
    const summary = await h.admin.pressAndWait('✕ Yes, delete 3', /Delete selected: 2 done, 1 refused/);
    expect(summary.text).toContain(`✅ #${id('Flash (a.b) Sale [VIP]')} Flash (a.b) Sale [VIP] — archived`);
    expect(summary.text).toContain(`✅ #${id('Spring Promo 02')} Spring Promo 02 — deleted`);
    expect(summary.text).toContain(
      `⛔ #${id('Running Now')} Running Now — refused: a sending campaign cannot be deleted; pause or cancel it first`,
    );
    expect((await h.models.Campaign.findById(id('Running Now')).lean())?.status).toBe('sending');
    expect((await h.models.Campaign.findById(id('Flash (a.b) Sale [VIP]')).lean())?.status).toBe('archived');
    expect(await h.models.Campaign.findById(id('Spring Promo 02')).lean()).toBeNull();
  });

  it('exports the selected campaigns as a CSV document with the right rows', async () => {
    await openList('🟢 WhatsApp', /WhatsApp campaigns/);
    await h.admin.pressAndWait('☑ Bulk', /Bulk mode/);
    await h.admin.pressAndWait(`☐ ${id('Featured Launch')}. Featured Launch`, /Selected: 1/);
    await h.admin.pressAndWait(`☐ ${id('Spring Promo 07')}. Spring Promo 07`, /Selected: 2/);
    const before = h.emulator.callsOf('sendDocument').length;
    h.admin.pressButton('⬇ Export CSV');
    const doc = await h.admin.waitForReply((m) => m.document !== undefined);
    expect(doc.document?.file_name).toBe('campaigns.csv');
    expect(doc.caption).toContain('2 campaigns');
    const call = h.emulator.callsOf('sendDocument').slice(before)[0]!;
    const csv = call.files[0]!.content.toString('utf8').trim().split('\r\n');
    expect(csv[0]).toBe('ID,Name,Platform,Status,Training,Schedule At,Type,Created');
    expect(csv.slice(1).map((row) => row.split(',').slice(0, 6))).toEqual(
      [
        [
          String(id('Spring Promo 07')),
          'Spring Promo 07',
          'whatsapp',
          'scheduled',
          'not_trained',
          '2028-03-07 09:00 Asia/Tokyo',
        ],
        [
          String(id('Featured Launch')),
          'Featured Launch',
          'whatsapp',
          'scheduled',
          'not_trained',
          '2028-02-02 10:00 UTC',
        ],
      ].sort((a, b) => Number(b[0]) - Number(a[0])),
    );
  });

  it('ignores a forged press from a non-admin and from a viewer', async () => {
    const before = await h.models.Campaign.find().sort({ _id: 1 }).lean();

    const stranger = h.person(222_000_901, 'Mallory');
    await stranger.sendAndWait('/start', /subscribed/);
    const msg = stranger.lastBotMessage()!;
    for (const data of ['camp:p:w', `camp:abcdefg:a:9:s:dy`, 'camp:abcdefg:bdy', 'home:campaigns']) {
      const answer = await stranger.waitForAnswer(stranger.pressCallbackData(data, msg.message_id));
      expect(answer.text).toMatch(/changed/);
    }

    await h.services.admins.add(ADMIN_ID, 222_000_902, 'viewer');
    const viewer = h.person(222_000_902, 'Vera');
    await viewer.sendAndWait('/campaigns', /which platform/);
    const list = await viewer.pressAndWait('✈️ Telegram', /Telegram campaigns/);
    // A viewer sees the list and the cards, without buttons that change anything.
    await viewer.pressAndWait(`9. Holiday Mega Drop`, /#9 Holiday Mega Drop/);
    expect(viewer.buttons().flat()).not.toContain('✕ Delete');
    for (const data of [`camp:abcdefg:a:9:s:dy`, `camp:abcdefg:a:9:s:cy`, `camp:abcdefg:a:9:s:du`]) {
      const answer = await viewer.waitForAnswer(viewer.pressCallbackData(data, list.message_id));
      expect(answer.text).toMatch(/viewer/);
    }
    expect(await h.models.Campaign.find().sort({ _id: 1 }).lean()).toEqual(before);
  });
});
