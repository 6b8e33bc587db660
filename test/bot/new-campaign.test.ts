import { type RunnerHandle, run } from '@grammyjs/runner';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBot } from '../../src/bot/create-bot.js';
import { loadConfig } from '../../src/config.js';
import { createModels } from '../../src/db/models.js';
import { MB } from '../../src/domain/message.js';
import { createServices } from '../../src/services/index.js';
import { BotApiEmulator } from '../support/bot-api-emulator.js';
import { ADMIN_ID, type BotHarness, startBotHarness } from '../support/bot-harness.js';
import { createTestDb, createTestRedis, testLogger, testRedisUrl, uniqueName } from '../support/services.js';
import { TelegramUser } from '../support/telegram-user.js';

const TECH = -1001000000001;
const MARKETING = -1001000000002;
const BOOKS = -1001000000003;

/** A day well in the future in the zone, typed the way the wizard asks for it. */
function futureDate(zone: string, days = 10): string {
  return DateTime.now().setZone(zone).plus({ days }).toFormat('yyyy-MM-dd');
}

/** Steps 1–3 of a small Telegram campaign: name, platform, type, one group, a text. Ends on the schedule question. */
async function telegramUpToSchedule(admin: TelegramUser, name: string): Promise<void> {
  await admin.sendAndWait('/newcampaign', /What is the campaign called/);
  await admin.sendAndWait(name, /Where should/);
  await admin.pressAndWait('✈️ Telegram', /What kind of campaign/);
  await admin.pressAndWait('Informational', /audience \(Telegram\)/);
  await admin.pressAndWait('☐ Tech Lovers (2,450)', /Estimated reach: 2,450 members/);
  await admin.pressAndWait('Continue ➡', /Step 3 of 6: message/);
  await admin.sendAndWait('Hello from the test', /Step 3 of 6: media/);
  await admin.pressAndWait('Skip ➡', /link buttons/);
  await admin.pressAndWait('Skip ➡', /Send it right away, or schedule it/);
}

/** The same campaign, sent now, up to the review card. */
async function telegramToReview(admin: TelegramUser, name: string): Promise<string> {
  await telegramUpToSchedule(admin, name);
  await admin.pressAndWait('🚀 Send now', /advanced settings \(Telegram\)/);
  const review = await admin.pressAndWait('Continue ➡', /Campaign review/);
  return review.text ?? '';
}

describe('/newcampaign wizard', () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness();
    await h.services.chats.register({
      id: TECH,
      type: 'supergroup',
      title: 'Tech Lovers',
      memberCount: 2450,
    });
    await h.services.chats.register({
      id: MARKETING,
      type: 'supergroup',
      title: 'Marketing Gurus',
      memberCount: 1823,
    });
    await h.services.chats.register({ id: BOOKS, type: 'supergroup', title: 'Book Club', memberCount: 567 });
    await h.services.contacts.importContacts([
      { line: 1, phone: '+14155550101', name: 'Ann Lee', segments: ['VIP Customers'] },
      { line: 2, phone: '+14155550102', name: 'Bob Ray', segments: ['VIP Customers', 'Repeat Buyers'] },
      { line: 3, phone: '+14155550103', name: 'Cat Doe', segments: ['New Leads'] },
      { line: 4, phone: '+14155550104', name: 'Dan Fox', segments: ['Inactive Customers'] },
    ]);
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(async () => {
    // Each test starts outside any wizard, whatever the previous one left behind.
    await h.admin.sendAndWait('/cancel', /cancelled|nothing to cancel/);
  });

  it('creates a Telegram campaign for two groups, scheduled in Asia/Tokyo', async () => {
    const { admin } = h;
    await admin.sendAndWait('/newcampaign', /What is the campaign called/);
    await admin.sendAndWait('Weekend Special Offer', /Where should “Weekend Special Offer” go out/);
    await admin.pressAndWait('✈️ Telegram', /What kind of campaign/);
    await admin.pressAndWait('Promotional', /audience \(Telegram\)/);
    expect(admin.buttons().flat()).toEqual(
      expect.arrayContaining(['☐ Tech Lovers (2,450)', '☐ Marketing Gurus (1,823)', '☐ Select all groups']),
    );
    await admin.pressAndWait('☐ Tech Lovers (2,450)', /Estimated reach: 2,450 members/);
    await admin.pressAndWait('☐ Marketing Gurus (1,823)', /Estimated reach: 4,273 members/);
    await admin.pressAndWait('Continue ➡', /Step 3 of 6: message/);
    await admin.sendAndWait('Weekend *special*: 20% off everything', /Text: 35 \/ 4,096 characters/);
    await admin.pressAndWait('Skip ➡', /link buttons/);
    await admin.sendAndWait(
      'Shop now - https://example.com/shop',
      /Link buttons: 1[\s\S]*Send it right away/,
    );
    await admin.pressAndWait('🕐 Schedule', /Time zone: UTC/);
    await admin.pressAndWait('🌐 Time zone: UTC', /Tap a zone/);
    await admin.pressAndWait('Asia/Tokyo', /Time zone: Asia\/Tokyo/);
    const date = futureDate('Asia/Tokyo');
    await admin.sendAndWait(date, /Date: .* \(Asia\/Tokyo\)/);
    await admin.sendAndWait('17:57', /First send: .* 17:57 Asia\/Tokyo/);
    await admin.pressAndWait(/One time/, /advanced settings \(Telegram\)/);
    await admin.pressAndWait('Continue ➡', /Campaign review/);
    const review = admin.lastBotMessage()!.text!;
    expect(review).toContain('Name: Weekend Special Offer');
    expect(review).toContain('Platform: ✈️ Telegram');
    expect(review).toContain('Recipients: 4,273 members');
    expect(review).toContain(`Schedule: ${date} 17:57 Asia/Tokyo`);
    expect(review).toContain('Weekend special: 20% off everything');
    expect(admin.buttons().flat()).toEqual(
      expect.arrayContaining(['✏️ Edit', '🧪 Send test', '🕐 Schedule', '💾 Save draft', '✖ Cancel']),
    );

    const done = await admin.pressAndWait('🕐 Schedule', /is scheduled/);
    expect(done.text).toContain(`${date} 17:57 Asia/Tokyo`);
    const stored = await h.models.Campaign.findOne({ name: 'Weekend Special Offer' }).lean();
    expect(stored).toMatchObject({ status: 'scheduled', platform: 'telegram', type: 'promotional' });
    expect(done.text).toContain(`#${stored!._id}`);
    const expectedAt = DateTime.fromISO(`${date}T17:57`, { zone: 'Asia/Tokyo' }).toJSDate();
    expect(stored?.schedule?.at).toEqual(expectedAt);
    expect(stored?.schedule?.zone).toBe('Asia/Tokyo');
    const audience = stored!.audience as { groupIds: number[]; allSubscribers: boolean };
    expect([...audience.groupIds].sort()).toEqual([TECH, MARKETING].sort());
    expect(audience.allSubscribers).toBe(false);
    expect(stored?.message?.buttons).toEqual([[{ text: 'Shop now', url: 'https://example.com/shop' }]]);
  });

  it('creates a WhatsApp draft for two segments from the Flash Sale template', async () => {
    const { admin } = h;
    await admin.sendAndWait('/newcampaign', /What is the campaign called/);
    await admin.sendAndWait('Flash Offer – 50% Off Today', /Where should/);
    await admin.pressAndWait('🟢 WhatsApp', /What kind of campaign/);
    await admin.pressAndWait('Promotional', /audience \(WhatsApp\)[\s\S]*Estimated reach: 4 contacts/);
    expect(admin.buttons().flat()).toEqual(
      expect.arrayContaining([
        '☑ All Contacts (4)',
        '☐ VIP Customers (2)',
        '☐ New Leads (1)',
        '☐ Webinar Participants (0)',
      ]),
    );
    await admin.pressAndWait('☐ VIP Customers (2)', /Estimated reach: 2 contacts/);
    await admin.pressAndWait('☐ New Leads (1)', /Estimated reach: 3 contacts/);
    await admin.pressAndWait('Continue ➡', /Step 3 of 6: message/);
    await admin.pressAndWait('🧩 Use a template', /Pick a template/);
    await admin.pressAndWait('Flash Sale', /\(1 of 3\)[\s\S]*value for \[X\]/);
    // Back from the second blank returns to the first; nothing typed is lost by accident.
    await admin.sendAndWait('40', /\(2 of 3\)[\s\S]*up to 40% off[\s\S]*value for \[products\]/);
    await admin.pressAndWait('⬅ Back', /\(1 of 3\)[\s\S]*value for \[X\]/);
    await admin.sendAndWait('50', /\(2 of 3\)[\s\S]*up to 50% off/);
    await admin.sendAndWait('all shoes', /\(3 of 3\)[\s\S]*value for \[CODE\]/);
    await admin.sendAndWait('FLASH50', /Text: 84 \/ 4,096 characters[\s\S]*media \(optional\)/);
    admin.sendDocument({
      fileName: 'flash-sale-banner.jpg',
      mime: 'image/jpeg',
      content: Buffer.alloc(1.2 * MB, 1),
    });
    await admin.waitForReply(/Attached: flash-sale-banner.jpg \(1.2 MB\)[\s\S]*Send it right away/);
    await admin.pressAndWait('🚀 Send now', /advanced settings \(WhatsApp\)/);
    expect(admin.buttons().flat()).toEqual(
      expect.arrayContaining([
        '☑ Split into broadcast lists (max 256 each)',
        '☑ Track delivery status',
        '☑ Track read receipts',
        '☐ Send test message first',
        '⏱ Max messages per minute: 50',
        '⏳ Delay between batches: 2 s',
      ]),
    );
    await admin.pressAndWait('☐ Send test message first', (m) =>
      Boolean(m.reply_markup?.inline_keyboard.flat().some((b) => b.text === '☑ Send test message first')),
    );
    await admin.pressAndWait(
      '⏱ Max messages per minute: 50',
      /maximum number of messages per minute \(1–1,000\)/,
    );
    await admin.sendAndWait(
      'fast',
      /Type a whole number from 1 to 1,000[\s\S]*maximum number of messages per minute/,
    );
    await admin.sendAndWait('30', /advanced settings \(WhatsApp\)/);
    expect(admin.buttons().flat()).toContain('⏱ Max messages per minute: 30');
    const review = await admin.pressAndWait('Continue ➡', /Campaign review/);
    expect(review.text).toContain('Recipients: 3 contacts');
    expect(review.text).toContain(
      'Training: Not trained (set up automatic replies after saving, with /training)',
    );
    expect(review.text).toContain(
      'Flash Sale! 🔥 Get up to 50% off on all shoes. Limited time offer! Use code: FLASH50',
    );
    expect(review.text).toContain('Media: flash-sale-banner.jpg (1.2 MB)');

    const saved = await admin.pressAndWait('💾 Save draft', /saved as a draft/);
    expect(saved.text).toContain('Status: 📝 Draft');
    const stored = await h.models.Campaign.findOne({ name: 'Flash Offer – 50% Off Today' }).lean();
    expect(stored).toMatchObject({ status: 'draft', platform: 'whatsapp', templateKey: 'flash_sale' });
    expect(saved.text).toContain(`#${stored!._id}`);
    expect(stored?.message?.text).toBe(
      'Flash Sale! 🔥 Get up to 50% off on all shoes. Limited time offer! Use code: FLASH50',
    );
    expect(stored?.message?.media).toMatchObject({
      kind: 'photo',
      fileName: 'flash-sale-banner.jpg',
      mime: 'image/jpeg',
    });
    const audience = stored!.audience as { all: boolean; segments: string[] };
    expect(audience.all).toBe(false);
    expect([...audience.segments].sort()).toEqual(['New Leads', 'VIP Customers']);
    expect(stored!.settings).toMatchObject({ maxPerMinute: 30, batchDelaySeconds: 2, sendTestFirst: true });
  });

  it('jumps from the review to a step with Edit and comes back to the review', async () => {
    const { admin } = h;
    const before = await h.models.Campaign.countDocuments();
    const review = await telegramToReview(admin, 'Edit me');
    expect(review).toContain('Name: Edit me');
    await admin.pressAndWait('✏️ Edit', /What do you want to change/);
    await admin.pressAndWait('Name', /What is the campaign called/);
    const again = await admin.sendAndWait('Edited name', /Campaign review/);
    expect(again.text).toContain('Name: Edited name');

    await admin.pressAndWait('✏️ Edit', /What do you want to change/);
    await admin.pressAndWait('Audience', /audience \(Telegram\)[\s\S]*Estimated reach: 2,450 members/);
    await admin.pressAndWait('☐ Book Club (567)', /Estimated reach: 3,017 members/);
    const third = await admin.pressAndWait('Continue ➡', /Campaign review/);
    expect(third.text).toContain('Recipients: 3,017 members');
    expect(third.text).toContain('Name: Edited name');

    // Cancel from the review: nothing was saved along the way.
    await admin.pressAndWait('✖ Cancel', /cancelled\. Nothing was saved/);
    expect(await h.models.Campaign.countDocuments()).toBe(before);
  });

  it('asks before sending now, then hands the campaign to the dispatcher with startedBy', async () => {
    const { admin } = h;
    const review = await telegramToReview(admin, 'Send it now');
    expect(review).toContain('Schedule: now');
    await admin.pressAndWait('🚀 Send now', /Send to 2,450 recipients now\?/);
    expect(admin.buttons().flat()).toEqual(['✅ Yes, send now', '⬅ Back', '✖ Cancel']);
    await admin.pressAndWait('⬅ Back', /Campaign review/);
    expect(await h.models.Campaign.countDocuments({ name: 'Send it now' })).toBe(0);
    await admin.pressAndWait('🚀 Send now', /Send to 2,450 recipients now\?/);
    const started = Date.now();
    const done = await admin.pressAndWait('✅ Yes, send now', /is on its way/);
    const stored = await h.models.Campaign.findOne({ name: 'Send it now' }).lean();
    expect(stored).toMatchObject({ status: 'scheduled', startedBy: ADMIN_ID });
    expect(Math.abs(stored!.schedule!.at!.getTime() - started)).toBeLessThan(60_000);
    expect(done.text).toContain(`#${stored!._id}`);
    expect(done.text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  });

  it('sends a test to the admin only, saves nothing, and stays on the review', async () => {
    const { admin, emulator } = h;
    await telegramToReview(admin, 'Test me');
    const query = admin.pressButton('🧪 Send test');
    const answer = await admin.waitForAnswer(query);
    expect(answer.text).toBe('Test message sent.');
    const toAdmin = emulator.sentTo(ADMIN_ID).filter((c) => c.params.text === 'Hello from the test');
    expect(toAdmin).toHaveLength(1);
    expect(emulator.sentTo(TECH)).toHaveLength(0);
    expect(await h.models.Campaign.countDocuments({ name: 'Test me' })).toBe(0);
    await admin.pressAndWait('💾 Save draft', /saved as a draft/);
  });

  describe('refuses a wrong answer and asks the same step again', () => {
    it('name: empty, then 101 characters', async () => {
      const { admin } = h;
      await admin.sendAndWait('/newcampaign', /What is the campaign called/);
      await admin.sendAndWait('   ', /name can't be empty[\s\S]*What is the campaign called/);
      await admin.sendAndWait(
        'x'.repeat(101),
        /101 characters long; the limit is 100[\s\S]*What is the campaign called/,
      );
      await admin.sendAndWait('Valid name', /Where should “Valid name” go out/);
    });

    it('date: a day in the past; time: 25:00', async () => {
      const { admin } = h;
      await telegramUpToSchedule(admin, 'Dates');
      await admin.pressAndWait('🕐 Schedule', /Step 4 of 6: date/);
      await admin.sendAndWait('2020-01-01', /2020-01-01 is in the past[\s\S]*Step 4 of 6: date/);
      await admin.sendAndWait('2020-13-45', /is not a date[\s\S]*Step 4 of 6: date/);
      await admin.sendAndWait(
        '2206-01-01',
        /“2206-01-01” is too far ahead: the latest date is 2100-12-31\. Check the year\.[\s\S]*Step 4 of 6: date/,
      );
      const date = futureDate('UTC', 3);
      await admin.sendAndWait(date, /Step 4 of 6: time/);
      await admin.sendAndWait('25:00', /“25:00” is not a time[\s\S]*Step 4 of 6: time/);
      await admin.sendAndWait('10:30', new RegExp(`First send: ${date} 10:30 UTC`));
    });

    it('recurrence: a bad cron expression, an end date before the first send', async () => {
      const { admin } = h;
      await telegramUpToSchedule(admin, 'Weekly news');
      await admin.pressAndWait('🕐 Schedule', /Step 4 of 6: date/);
      const date = futureDate('UTC', 5);
      await admin.sendAndWait(date, /Step 4 of 6: time/);
      await admin.pressAndWait('18:00', /Send it once, or repeat it/);
      await admin.pressAndWait('Custom (cron)', /Type a cron expression/);
      await admin.sendAndWait('every monday', /is not a valid cron expression[\s\S]*Type a cron expression/);
      await admin.pressAndWait('⬅ Back', /Send it once, or repeat it/);
      await admin.pressAndWait('Weekly', /Step 4 of 6: end date/);
      await admin.sendAndWait('2101-01-01', /too far ahead: the latest date is 2100-12-31[\s\S]*end date/);
      const early = futureDate('UTC', 2);
      await admin.sendAndWait(
        early,
        new RegExp(`${early} is before the first send on ${date}[\\s\\S]*end date`),
      );
      const end = futureDate('UTC', 40);
      await admin.sendAndWait(end, /advanced settings/);
      const review = await admin.pressAndWait('Continue ➡', /Campaign review/);
      expect(review.text).toContain(`Schedule: ${date} 18:00 UTC, Weekly until ${end}`);
      await admin.pressAndWait('🕐 Schedule', /is scheduled/);
      const stored = await h.models.Campaign.findOne({ name: 'Weekly news' }).lean();
      expect(stored?.schedule).toMatchObject({
        frequency: 'weekly',
        endDate: end,
        localTime: '18:00',
        zone: 'UTC',
      });
    });

    it('link buttons: a line without " - ", a link that is not http(s)', async () => {
      const { admin } = h;
      await admin.sendAndWait('/newcampaign', /What is the campaign called/);
      await admin.sendAndWait('Buttons', /Where should/);
      await admin.pressAndWait('✈️ Telegram', /What kind/);
      await admin.pressAndWait('Informational', /audience \(Telegram\)/);
      await admin.pressAndWait('☐ Tech Lovers (2,450)', /Estimated reach/);
      await admin.pressAndWait('Continue ➡', /Step 3 of 6: message/);
      await admin.sendAndWait('Hi', /media \(optional\)/);
      await admin.pressAndWait('Skip ➡', /link buttons/);
      await admin.sendAndWait(
        'Shop now https://example.com',
        /Line 1 is not “Button text - https:\/\/…”[\s\S]*link buttons/,
      );
      await admin.sendAndWait('Shop - ftp://example.com', /is not a web link[\s\S]*link buttons/);
      await admin.sendAndWait(
        'Shop - https://example.com/a | Help - https://example.com/b\nNews - https://example.com/n',
        /Link buttons: 3[\s\S]*Send it right away/,
      );
    });

    it('time zone: an unknown name', async () => {
      const { admin } = h;
      await telegramUpToSchedule(admin, 'Zones');
      await admin.pressAndWait('🕐 Schedule', /Step 4 of 6: date/);
      await admin.pressAndWait('🌐 Time zone: UTC', /Tap a zone/);
      await admin.sendAndWait('Mars/Olympus', /“Mars\/Olympus” is not a time zone I know[\s\S]*Tap a zone/);
      await admin.sendAndWait('europe/berlin', /Time zone: Europe\/Berlin/);
    });

    it('message: 4,097 characters', async () => {
      const { admin } = h;
      await admin.sendAndWait('/newcampaign', /What is the campaign called/);
      await admin.sendAndWait('Long text', /Where should/);
      await admin.pressAndWait('🟢 WhatsApp', /What kind/);
      await admin.pressAndWait('Engagement', /audience \(WhatsApp\)/);
      await admin.pressAndWait('Continue ➡', /Step 3 of 6: message/);
      await admin.sendAndWait(
        'a'.repeat(4097),
        /4,097 characters long; the limit is 4,096[\s\S]*Step 3 of 6: message/,
      );
      await admin.sendAndWait('a'.repeat(4096), /Text: 4,096 \/ 4,096 characters[\s\S]*media \(optional\)/);
    });

    it('media: an .exe, an .mp3, a video over 16 MB, a photo for a caption over 1,024', async () => {
      const { admin } = h;
      await admin.sendAndWait('/newcampaign', /What is the campaign called/);
      await admin.sendAndWait('Media', /Where should/);
      await admin.pressAndWait('🟢 WhatsApp', /What kind/);
      await admin.pressAndWait('Engagement', /audience \(WhatsApp\)/);
      await admin.pressAndWait('Continue ➡', /Step 3 of 6: message/);
      await admin.sendAndWait('b'.repeat(1100), /Text: 1,100 \/ 4,096[\s\S]*media \(optional\)/);

      admin.sendDocument({ fileName: 'setup.exe', mime: 'application/x-msdownload', content: 'MZ' });
      await admin.waitForReply(/application\/x-msdownload\) can't be sent[\s\S]*media \(optional\)/);
      admin.sendDocument({ fileName: 'song.mp3', mime: 'audio/mpeg', content: 'ID3' });
      await admin.waitForReply(/audio\/mpeg\) can't be sent[\s\S]*media \(optional\)/);
      admin.sendVideo({ size: 17 * MB });
      await admin.waitForReply(/too large \(17.0 MB\); the limit is 16.0 MB[\s\S]*media \(optional\)/);
      admin.sendPhoto({ size: 2048 });
      await admin.waitForReply(
        /caption of at most 1,024 characters; yours has 1,100[\s\S]*media \(optional\)/,
      );
      admin.sendVideo({ size: 3 * MB, caption: 'Short caption' });
      await admin.waitForReply(/Attached: video.mp4 \(3.0 MB\)[\s\S]*Send it right away/);
    });

    it('settings: a delay that is not a number of seconds', async () => {
      const { admin } = h;
      await admin.sendAndWait('/newcampaign', /What is the campaign called/);
      await admin.sendAndWait('Throttle', /Where should/);
      await admin.pressAndWait('🟢 WhatsApp', /What kind/);
      await admin.pressAndWait('Engagement', /audience \(WhatsApp\)/);
      await admin.pressAndWait('Continue ➡', /Step 3 of 6: message/);
      await admin.sendAndWait('Hi', /media \(optional\)/);
      await admin.pressAndWait('Skip ➡', /Send it right away/);
      await admin.pressAndWait('🚀 Send now', /advanced settings \(WhatsApp\)/);
      await admin.pressAndWait(
        '⏳ Delay between batches: 2 s',
        /delay between batches in seconds \(0–3,600\)/,
      );
      await admin.sendAndWait('5000', /Type a number of seconds from 0 to 3,600[\s\S]*delay between batches/);
      await admin.sendAndWait('soon', /Type a number of seconds from 0 to 3,600/);
      await admin.sendAndWait('1.5', /advanced settings \(WhatsApp\)/);
      expect(admin.buttons().flat()).toContain('⏳ Delay between batches: 1.5 s');
    });

    it('empty audience: Continue with nothing ticked', async () => {
      const { admin } = h;
      await admin.sendAndWait('/newcampaign', /What is the campaign called/);
      await admin.sendAndWait('Nobody', /Where should/);
      await admin.pressAndWait('✈️ Telegram', /What kind/);
      await admin.pressAndWait('Engagement', /audience \(Telegram\)/);
      await admin.pressAndWait('Continue ➡', /No recipients selected[\s\S]*audience \(Telegram\)/);
      await admin.pressAndWait('☐ Select all groups', /Estimated reach: 4,840 members/);
      await admin.pressAndWait('Continue ➡', /Step 3 of 6: message/);
    });
  });

  it('answers a press on an earlier step as outdated and changes nothing', async () => {
    const { admin } = h;
    await admin.sendAndWait('/newcampaign', /What is the campaign called/);
    await admin.sendAndWait('Outdated', /Where should/);
    const platformMessage = admin.lastBotMessage()!;
    await admin.pressAndWait('✈️ Telegram', /What kind/);
    const query = admin.pressButton('🟢 WhatsApp', { messageId: platformMessage.message_id });
    expect((await admin.waitForAnswer(query)).text).toBe(
      'That button belongs to an earlier question: nothing was changed. Here is the current one again.',
    );
    // Still on the type question, still Telegram, asked again below.
    const again = await admin.waitForReply(/What kind/);
    expect(again.message_id).toBeGreaterThan(platformMessage.message_id + 1);
    await admin.pressAndWait('Engagement', /audience \(Telegram\)/);
  });

  it('keeps the wizard modal: other commands and buttons are told to finish or /cancel', async () => {
    const { admin } = h;
    await admin.sendAndWait('/newcampaign', /What is the campaign called/);
    await admin.sendAndWait('/help', /You are creating a campaign[\s\S]*\/cancel/);
    await admin.sendAndWait('/newcampaign', /already creating a campaign/);
    const query = admin.pressCallbackData('home:campaigns', admin.lastBotMessage()!.message_id);
    expect((await admin.waitForAnswer(query)).text).toMatch(/You are creating a campaign/);
    await admin.sendAndWait('Still here', /Where should “Still here” go out/);
  });

  it('/cancel leaves mid-wizard, saves nothing, and outside a wizard there is nothing to cancel', async () => {
    const { admin } = h;
    const before = await h.models.Campaign.countDocuments();
    await telegramUpToSchedule(admin, 'Cancelled one');
    await admin.sendAndWait('/cancel', /Campaign creation cancelled\. Nothing was saved\./);
    expect(await h.models.Campaign.countDocuments()).toBe(before);
    // The wizard is gone: text is no longer taken as an answer, its buttons are outdated.
    await admin.sendAndWait('Hello?', /I didn't understand that/);
    const query = admin.pressButton('🚀 Send now');
    expect((await admin.waitForAnswer(query)).text).toBe(
      'This button is outdated: nothing was changed. Here is the menu.',
    );
    await admin.waitForReply(/Welcome, Olivia/);
    await admin.sendAndWait('/cancel', /There is nothing to cancel/);
  });

  it('starts from a template ("Start campaign from template") with its blanks to fill', async () => {
    const { admin } = h;
    await admin.sendAndWait('/start', /Welcome/);
    // The templates screen's start button (its callback data), pressed on the message at hand.
    admin.pressCallbackData('tpl:n:event_invitation', admin.lastBotMessage()!.message_id);
    await admin.waitForReply(/What is the campaign called/);
    await admin.pressAndWait('Use “Event Invitation”', /Where should “Event Invitation” go out/);
    await admin.pressAndWait('✈️ Telegram', /What kind/);
    await admin.pressAndWait('Event Announcement', /audience \(Telegram\)/);
    await admin.pressAndWait('☐ Tech Lovers (2,450)', /Estimated reach: 2,450 members/);
    await admin.pressAndWait('Continue ➡', /\(1 of 3\)[\s\S]*value for \[Event Name\]/);
    await admin.sendAndWait('Launch Party', /\(2 of 3\)[\s\S]*value for \[Date\]/);
    await admin.sendAndWait('June 5', /\(3 of 3\)[\s\S]*value for \[Link\]/);
    await admin.sendAndWait('https://example.com/r', /media \(optional\)/);
    await admin.pressAndWait('Skip ➡', /link buttons/);
    await admin.pressAndWait('Skip ➡', /Send it right away/);
    await admin.pressAndWait('🚀 Send now', /advanced settings/);
    const review = await admin.pressAndWait('Continue ➡', /Campaign review/);
    expect(review.text).toContain(
      "You're invited! Join us for Launch Party on June 5. Register now: https://example.com/r",
    );
    expect(review.text).toContain('Type: Event Announcement');
    await admin.pressAndWait('✖ Cancel', /Nothing was saved/);
  });

  it("speaks the admin's stored language inside the wizard", async () => {
    const rita = h.person(333_000_003, 'Rita', 'en');
    await h.services.admins.add(ADMIN_ID, rita.id, 'admin', 'Rita');
    await h.services.admins.setLanguage(rita.id, 'ru');
    await rita.sendAndWait('/newcampaign', /Как назовём кампанию/);
    await rita.sendAndWait('   ', /Название не может быть пустым[\s\S]*Как назовём кампанию/);
    await rita.sendAndWait('Распродажа', /Куда отправить «Распродажа»/);
    await rita.sendAndWait('/cancel', /Создание кампании отменено/);
  });

  it('starts from the home button', async () => {
    const { admin } = h;
    await admin.sendAndWait('/start', /Welcome/);
    await admin.pressAndWait('➕ New campaign', /What is the campaign called/);
  });

  it('does nothing admin-like for a non-admin, and tells a viewer they are read-only', async () => {
    const stranger = h.person(333_000_001, 'Sam');
    await stranger.sendAndWait('/newcampaign', /don't know \/newcampaign/);
    const viewer = h.person(333_000_002, 'Vera');
    await h.services.admins.add(ADMIN_ID, viewer.id, 'viewer', 'Vera');
    await viewer.sendAndWait('/newcampaign', /You are a viewer/);
    await viewer.sendAndWait('Some name', /I didn't understand that/);
    const query = viewer.pressCallbackData('home:newcampaign', viewer.lastBotMessage()!.message_id);
    await viewer.waitForReply(/You are a viewer/);
    await viewer.waitForAnswer(query);
  });
});

describe('/newcampaign after a restart', () => {
  /** A bot of the test's own (its own emulator, database and wizard-state prefix), started and restarted at will. */
  async function ownBot(prefix: string) {
    const emulator = new BotApiEmulator();
    await emulator.start();
    const db = await createTestDb();
    const redis = createTestRedis();
    const config = loadConfig({
      BOT_TOKEN: emulator.token,
      ADMIN_IDS: String(ADMIN_ID),
      MONGODB_URI: db.uri,
      REDIS_URL: testRedisUrl(),
      TELEGRAM_API_ROOT: emulator.apiRoot,
      LOG_LEVEL: 'silent',
    });
    const models = await createModels(db.conn);
    const services = createServices({ models, logger: testLogger, config, redis });
    await services.chats.register({ id: TECH, type: 'supergroup', title: 'Tech Lovers', memberCount: 2450 });
    const storagePrefix = `${uniqueName(prefix)}:`;
    return {
      emulator,
      redis,
      models,
      storagePrefix,
      async start(): Promise<RunnerHandle> {
        const bot = createBot(
          { config, services, logger: testLogger, redis },
          { botInfo: emulator.bot(), storagePrefix },
        );
        const runner = run(bot);
        await emulator.waitForPolling();
        return runner;
      },
      async close() {
        await emulator.stop();
        await db.drop();
        await services.counters.close();
        await redis.quit();
      },
    };
  }

  it('continues where the admin was, from the state in Redis', async () => {
    const { emulator, redis, models, storagePrefix, start, close } = await ownBot('restart');
    let runner = await start();
    try {
      const admin = new TelegramUser(emulator, { id: ADMIN_ID, first_name: 'Olivia', language_code: 'en' });
      await admin.sendAndWait('/newcampaign', /What is the campaign called/);
      await admin.sendAndWait('Survives restarts', /Where should/);
      await admin.pressAndWait('✈️ Telegram', /What kind/);
      expect(await redis.exists(`${storagePrefix}${ADMIN_ID}`)).toBe(1);

      await runner.stop();
      runner = await start();

      await admin.pressAndWait('Follow-up', /audience \(Telegram\)/);
      await admin.pressAndWait('☐ Tech Lovers (2,450)', /Estimated reach: 2,450 members/);
      await admin.pressAndWait('Continue ➡', /Step 3 of 6: message/);
      await admin.sendAndWait('After the restart', /media \(optional\)/);
      await admin.pressAndWait('Skip ➡', /link buttons/);
      await admin.pressAndWait('Skip ➡', /Send it right away/);
      await admin.pressAndWait('🚀 Send now', /advanced settings/);
      const review = await admin.pressAndWait('Continue ➡', /Campaign review/);
      expect(review.text).toContain('Name: Survives restarts');
      expect(review.text).toContain('Type: Follow-up');
      await admin.pressAndWait('💾 Save draft', /saved as a draft/);
      expect(await models.Campaign.findOne({ name: 'Survives restarts' }).lean()).toMatchObject({
        status: 'draft',
        type: 'follow_up',
      });
      expect(await redis.exists(`${storagePrefix}${ADMIN_ID}`)).toBe(0);
    } finally {
      if (runner.isRunning()) await runner.stop();
      await close();
    }
  });

  it('the last press, repeated after a crash lost the wizard state, sends nothing twice: the same campaign is reported', async () => {
    const { emulator, redis, models, storagePrefix, start, close } = await ownBot('replay');
    const key = `${storagePrefix}${ADMIN_ID}`;
    const runner = await start();
    try {
      const admin = new TelegramUser(emulator, { id: ADMIN_ID, first_name: 'Olivia', language_code: 'en' });
      await telegramToReview(admin, 'Pressed twice');
      const confirm = await admin.pressAndWait('🚀 Send now', /Send to/);
      const yes = confirm.reply_markup?.inline_keyboard.flat().find((b) => b.text === '✅ Yes, send now');
      if (!yes || !('callback_data' in yes)) throw new Error('no confirm button');
      // The wizard's state as it was before the last press; a crash after the save, before the
      // state is written back, leaves exactly this in Redis.
      // (written once the press is handled, a moment after the confirmation went out)
      for (let i = 0; i < 100; i++) {
        if ((await redis.get(key))?.includes(`"message_id":${confirm.message_id},`)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const before = await redis.dumpBuffer(key);
      if (!before) throw new Error('no wizard state in Redis');
      const first = await admin.pressAndWait('✅ Yes, send now', /#\d+/);
      const id = /#(\d+)/.exec(first.text ?? '')?.[1];

      // The wizard ended: its state goes once the reply is out. Then put the old state back.
      for (let i = 0; i < 100 && (await redis.exists(key)) === 1; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(await redis.exists(key)).toBe(0);
      await redis.restore(key, 0, before);
      admin.pressCallbackData(yes.callback_data, confirm.message_id);
      const again = await admin.waitForReply(/#\d+/);

      expect(again.text).toContain(`#${id}`);
      const made = await models.Campaign.find({ name: 'Pressed twice' }).lean();
      expect(made).toHaveLength(1);
      expect(made[0]).toMatchObject({ _id: Number(id), status: 'scheduled' });
    } finally {
      if (runner.isRunning()) await runner.stop();
      await close();
    }
  });
});
