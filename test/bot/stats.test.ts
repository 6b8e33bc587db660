import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCampaignRepository } from '../../src/db/campaign.repository.js';
import { defaultAudience, type Platform } from '../../src/domain/campaign.js';
import { ADMIN_ID, type BotHarness, startBotHarness } from '../support/bot-harness.js';

/** A stats screen draws its charts (PNG) before it answers: give it a moment on a loaded machine. */
const SLOW = 20_000;

describe('/stats, /templates, /whatsapp and the home buttons', () => {
  let h: BotHarness;
  let whatsappId: number;
  let telegramId: number;
  let failedId: number;

  /** A campaign the dispatcher has run: created and scheduled as an admin would, then started and ended. */
  async function ranCampaign(name: string, platform: Platform, end: 'complete' | 'fail'): Promise<number> {
    const c = await h.services.campaigns.create({ name, platform, adminId: ADMIN_ID });
    await h.services.campaigns.update(
      c.id,
      {
        message: { text: 'Flash Sale! 🔥 Get up to 50% off.' },
        ...(platform === 'telegram'
          ? { audience: { ...defaultAudience('telegram'), allSubscribers: true } }
          : {}),
      },
      ADMIN_ID,
    );
    await h.services.campaigns.schedule(c.id, { date: '2029-06-05', time: '17:57' }, ADMIN_ID);
    const repo = createCampaignRepository(h.models);
    await repo.changeStatus(c.id, 'scheduled', 'start');
    await repo.changeStatus(c.id, 'sending', end);
    return c.id;
  }

  /**
   * Deliveries as the dispatcher writes them, in run 1, without their counters: the first /stats
   * recounts them (as for a campaign from before counters, or whose counters Redis lost).
   */
  async function deliveries(campaignId: number, platform: Platform, rows: Record<string, unknown>[]) {
    await h.models.Campaign.updateOne({ _id: campaignId }, { $set: { run: 1 } }).exec();
    await h.models.Delivery.insertMany(
      rows.map((row, seq) => ({
        campaignId,
        run: 1,
        seq,
        platform,
        recipient:
          platform === 'whatsapp' ? `wa:+49151000${String(seq).padStart(5, '0')}` : `tg:${900_000 + seq}`,
        ...row,
      })),
    );
  }

  const times = <T>(n: number, row: T): T[] => Array.from({ length: n }, () => row);

  beforeAll(async () => {
    h = await startBotHarness();
    await h.services.contacts.importContacts([{ line: 1, phone: '+4915112345678' }]);
    await h.services.subscribers.subscribe({ id: 666_000_001, first_name: 'Sub' });
    const at = new Date('2029-06-05T18:00:00Z');
    const responded = { respondedAt: at, responseMs: 15 * 60_000 };

    // The seed's "Flash Offer – 50% Off Today": 156 sent, 154 delivered, 128 read, 45 clicked, 23 responses.
    whatsappId = await ranCampaign('Flash Offer – 50% Off Today', 'whatsapp', 'complete');
    await deliveries(whatsappId, 'whatsapp', [
      ...times(8, { status: 'read', clickedAt: at, ...responded, convertedAt: at }),
      ...times(15, { status: 'read', clickedAt: at, ...responded }),
      ...times(22, { status: 'read', clickedAt: at }),
      ...times(83, { status: 'read' }),
      ...times(26, { status: 'delivered' }),
      { status: 'failed', reason: 'invalid_number' },
      { status: 'failed', reason: 'network' },
    ]);

    // The seed's "Weekend Special Offer", at a fraction of its 6,748 messages.
    telegramId = await ranCampaign('Weekend Special Offer', 'telegram', 'complete');
    await deliveries(telegramId, 'telegram', [
      ...times(498, { status: 'sent' }),
      { status: 'failed', reason: 'blocked' },
      { status: 'failed', reason: 'chat_not_found' },
    ]);

    failedId = await ranCampaign('Broken Blast', 'telegram', 'fail');
    await deliveries(failedId, 'telegram', [
      ...times(2, { status: 'sent' }),
      ...times(3, { status: 'failed', reason: 'network' }),
    ]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("shows a WhatsApp campaign's figures as percentages of the messages sent", async () => {
    const stats = await h.admin.sendAndWait(`/stats ${whatsappId}`, /Campaign #\d+: Flash Offer/, SLOW);
    for (const line of [
      'Sent: 156 messages',
      'Delivered: 154 (98.7%)',
      'Failed: 2 (1.3%)',
      'Read: 128 (82.1%)',
      'Clicked: 45 (28.8%)',
      'Responses: 23 (14.7%)',
      'Delivered — 154 — 98.7%',
      'Read — 128 — 82.1%',
      'Pending — 0 — 0%',
      'Invalid number: 1',
      'Blocked contact: 0',
      'Network error: 1',
      'Platform restriction: 0',
      'Click-through rate: 28.8%',
      'Response rate: 14.7%',
      'Conversion rate: 5.1%',
      'Average response time: 15 minutes',
    ]) {
      expect(stats.text).toContain(line);
    }
  });

  it("shows a Telegram campaign's figures and says plainly what the Bot API cannot tell", async () => {
    const stats = await h.admin.sendAndWait(`/stats ${telegramId}`, /Weekend Special Offer/, SLOW);
    expect(stats.text).toContain('Sent: 500 messages');
    expect(stats.text).toContain('Delivered: 498 (99.6%)');
    expect(stats.text).toContain('Failed: 2 (0.4%)');
    expect(stats.text).toContain('Blocked contact: 1');
    expect(stats.text).toContain('Chat not found: 1');
    expect(stats.text).not.toContain('Read:');
    expect(stats.text).toMatch(/Telegram does not tell bots how many people viewed or shared a message/);
    expect(stats.text).toContain('Click tracking: off, because PUBLIC_URL is not set');
    expect(stats.text).toContain('Reactions: 0');
  });

  it('counts the reactions Telegram reports on a campaign post, keeping the latest total', async () => {
    const CHANNEL = -1_007_001;
    await h.models.Delivery.updateOne(
      { campaignId: telegramId, recipient: 'tg:900000' },
      { $set: { chatId: CHANNEL, chatKind: 'channel', messageId: '41' } },
    );
    const update = (messageId: number, counts: number[]) =>
      h.emulator.pushUpdate({
        message_reaction_count: {
          chat: { id: CHANNEL, type: 'channel', title: 'News' },
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          reactions: counts.map((total_count, i) => ({
            type: { type: 'emoji', emoji: ['👍', '🔥', '❤'][i] },
            total_count,
          })),
        },
      });
    update(41, [3, 2]);
    update(41, [4, 2, 1]); // a new total replaces the old one
    update(42, [9]); // not a campaign message
    await vi.waitFor(
      async () =>
        expect(await h.services.analytics.campaignReport(telegramId)).toMatchObject({ reactions: 7 }),
      SLOW,
    );
    const stats = await h.admin.sendAndWait(`/stats ${telegramId}`, /Weekend Special Offer/, SLOW);
    expect(stats.text).toContain('Reactions: 7 (in groups and channels where the bot is an admin)');
  });

  it('lists the latest replies to a campaign with who wrote them and when, in the admin zone', async () => {
    await h.models.Delivery.updateOne(
      { campaignId: telegramId, recipient: 'tg:900001' },
      { $set: { sentAt: new Date(Date.now() - 60_000) } },
    );
    await h.services.subscribers.subscribe({ id: 900_001, first_name: 'Mia', last_name: 'Rossi' });
    expect(
      await h.services.responses.record({
        platform: 'telegram',
        chatId: 900_001,
        text: 'Until when is the offer valid?',
        at: new Date(),
      }),
    ).toMatchObject({ campaignId: telegramId, first: true });
    // A photo with a caption and a video without one, sent to the bot, are replies too.
    const mia = h.person(900_001, 'Mia');
    mia.sendPhoto({ caption: 'Is it this one?' });
    await mia.waitForReply(/received your message/);
    mia.sendVideo();
    await mia.waitForReply(/received your message/);

    const typingBefore = h.emulator.callsOf('sendChatAction').length;
    const stats = await h.admin.sendAndWait(`/stats ${telegramId}`, /Weekend Special Offer/, SLOW);
    // "typing…" while the figures are counted
    expect(h.emulator.callsOf('sendChatAction').slice(typingBefore)).toEqual([
      expect.objectContaining({ params: expect.objectContaining({ action: 'typing' }) }),
    ]);
    const list = await h.admin.pressAndWait('💬 Replies', /Latest 3 replies to campaign/, {
      messageId: stats.message_id,
    });
    expect(list.text).toMatch(
      /• \d{4}-\d\d-\d\d \d\d:\d\d UTC · Mia Rossi \(900001\): “Until when is the offer valid\?”/,
    );
    expect(list.text).toContain('Mia Rossi (900001): [📷 photo] “Is it this one?”');
    expect(list.text).toMatch(/Mia Rossi \(900001\): \[🎬 video\]\n/);

    const none = await h.admin.sendAndWait(`/stats ${failedId}`, /Broken Blast/, SLOW);
    const query = h.admin.pressButton('💬 Replies', { messageId: none.message_id });
    expect(await h.admin.waitForAnswer(query)).toMatchObject({
      text: 'Nobody has replied to this campaign yet.',
      show_alert: true,
    });
  });

  it('offers recent campaigns without an id and answers an unknown or malformed id specifically', async () => {
    const pick = await h.admin.sendAndWait('/stats', /Which campaign\?/);
    expect(pick.text).toContain(`${failedId}. Broken Blast — ❌ Failed`);
    await h.admin.pressAndWait(`${whatsappId}. Flash Offer – 50% Off Today`, /Delivered: 154 \(98\.7%\)/, {
      timeoutMs: SLOW,
    });
    await h.admin.sendAndWait('/stats 999', /There is no campaign #999/);
    await h.admin.sendAndWait('/stats abc', /“abc” is not a campaign ID/);
  });

  it('opens the stats from a campaign card, and retries failed deliveries after saying how many', async () => {
    await h.admin.sendAndWait('/campaigns', /which platform/);
    await h.admin.pressAndWait('✈️ Telegram', /Telegram campaigns/);
    await h.admin.pressAndWait(`${failedId}. Broken Blast`, /Status: ❌ Failed/);
    await h.admin.pressAndWait('📊 Stats', /Failed: 3 \(60%\)/, { timeoutMs: SLOW });
    await h.admin.pressAndWait('⬅ Back to the campaign', /Status: ❌ Failed/);
    await h.admin.pressAndWait('🔁 Retry failed', /3 failed deliveries will be resent/, { timeoutMs: SLOW });
    await h.admin.pressAndWait('🔁 Yes, resend 3', /failed deliveries are being resent/);
    expect((await h.models.Campaign.findById(failedId).lean())?.status).toBe('sending');
    expect(await h.models.Delivery.countDocuments({ campaignId: failedId, status: 'pending' })).toBe(3);
  });

  it('previews the six templates and starts the wizard from one', async () => {
    const list = await h.admin.sendAndWait('/templates', /Message templates \(6\)/);
    // The seed's order.
    expect(h.admin.buttons(list.message_id).flat()).toEqual([
      'Flash Sale',
      'New Product Launch',
      'Survey Request',
      'Event Invitation',
      'Order Confirmation',
      'Appointment Reminder',
    ]);
    const preview = await h.admin.pressAndWait('Flash Sale', /Flash Sale! 🔥 Get up to \[X\]% off/);
    expect(preview.text).toContain('Blanks to fill in: [X], [products], [CODE]');
    await h.admin.pressAndWait('🚀 Start a campaign from it', /New campaign · step 1/);
    expect(h.admin.buttons().flat()).toContain('Use “Flash Sale”');
    await h.admin.sendAndWait('/cancel', /Campaign creation cancelled/);
  });

  it('opens every screen from the home buttons, and says no WhatsApp sender is running yet', async () => {
    const cases: [string, RegExp][] = [
      ['📋 Campaigns', /which platform/],
      ['📊 Stats', /Which campaign\?/],
      ['👥 Groups', /Groups and channels/],
      ['📇 Contacts', /WhatsApp contacts: 1 in total/],
      ['🧩 Templates', /Message templates/],
      ['⚙️ Settings', /⚙️ Settings/],
      ['🟢 WhatsApp', /no whatsapp role has reported yet/],
    ];
    for (const [button, reply] of cases) {
      const home = await h.admin.sendAndWait('/start', /Welcome/);
      await h.admin.pressAndWait(button, reply, { messageId: home.message_id });
      // The home menu stays as it was: the screen is a new message.
      expect(h.admin.buttons(home.message_id).flat()).toContain(button);
    }
    await h.admin.sendAndWait('/whatsapp', /no whatsapp role has reported yet/);
  });
});
