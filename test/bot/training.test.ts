import { randomInt } from 'node:crypto';
import { Api } from 'grammy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBotI18n } from '../../src/bot/create-bot.js';
import { translator } from '../../src/bot/i18n.js';
import { createTrainingRouter } from '../../src/bot/training-router.js';
import { deliveryId } from '../../src/db/dispatch.repository.js';
import { defaultAudience } from '../../src/domain/campaign.js';
import { HELD_OUT_EN, SALE_INTENTS_EN } from '../services/fixtures/training-sets.js';
import { ADMIN_ID, type BotHarness, startBotHarness } from '../support/bot-harness.js';
import { createTestRedis, testLogger } from '../support/services.js';

describe('/training', () => {
  let h: BotHarness;
  let dm: number;
  let groupsOnly: number;
  let whatsapp: number;
  const contacts: number[] = [];

  /** The campaign reached this subscriber a minute ago, as the dispatcher records it. */
  async function delivered(campaignId: number, chatId: number) {
    const recipient = `tg:${chatId}`;
    const sentAt = new Date(Date.now() - 60_000);
    await h.models.Delivery.collection.insertOne({
      _id: deliveryId(campaignId, 1, recipient),
      campaignId,
      run: 1,
      recipient,
      seq: 0,
      platform: 'telegram',
      chatId,
      chatKind: 'private',
      status: 'sent',
      attempts: 1,
      sentAt,
      createdAt: sentAt,
      updatedAt: sentAt,
    } as never);
  }

  beforeAll(async () => {
    h = await startBotHarness();
    const i18n = createBotI18n({ config: h.config, services: h.services });
    h.services.training.useRouter(
      createTrainingRouter({
        api: new Api(h.config.BOT_TOKEN, { apiRoot: h.config.TELEGRAM_API_ROOT }),
        translate: translator(i18n, 'en'),
        services: h.services,
        logger: testLogger,
      }),
    );
    const c = await h.services.campaigns.create({
      name: 'Summer Super Sale',
      platform: 'telegram',
      adminId: ADMIN_ID,
    });
    await h.services.campaigns.update(
      c.id,
      {
        message: { text: 'Summer sale: 50% off' },
        audience: { ...defaultAudience('telegram'), allSubscribers: true },
      },
      ADMIN_ID,
    );
    dm = c.id;
    const g = await h.services.campaigns.create({
      name: 'Groups only',
      platform: 'telegram',
      adminId: ADMIN_ID,
    });
    await h.services.campaigns.update(
      g.id,
      { audience: { ...defaultAudience('telegram'), groupIds: [-1001000000001] } },
      ADMIN_ID,
    );
    groupsOnly = g.id;
    whatsapp = (
      await h.services.campaigns.create({ name: 'WA Promo', platform: 'whatsapp', adminId: ADMIN_ID })
    ).id;
  });
  afterAll(async () => {
    // The per-contact auto-reply counters live in the shared test Redis: leave none behind.
    const redis = createTestRedis();
    const keys = await redis.keys('mb:train:rl:tg:*');
    const ours = keys.filter((k) => contacts.some((id) => k.endsWith(`:${id}`)));
    if (ours.length) await redis.del(...ours);
    await redis.quit();
    await h?.stop();
  });
  beforeEach(async () => {
    await h.admin.sendAndWait('/cancel', /cancelled|closed|nothing to cancel/i);
  });

  it('builds intents step by step with Back and Cancel, refuses too little, then trains and tests', async () => {
    const { admin } = h;
    const home = await admin.sendAndWait(`/training ${dm}`, /Training — #\d+ “Summer Super Sale”/);
    expect(home.text).toContain('Status: Not trained');
    expect(home.text).toContain('No intents yet');

    await admin.pressAndWait('➕ Add intent', /New intent: what is it called/);
    await admin.sendAndWait('price', /Examples for “price”/);
    const added = await admin.sendAndWait(
      'How much does it cost?\nWhat is the price?\n\nprice please',
      /3 examples added/,
    );
    expect(added.text).toContain('• What is the price?');
    // Back goes to the name; the examples typed so far are kept.
    await admin.pressAndWait('⬅ Back', /New intent: what is it called/);
    const again = await admin.sendAndWait('price', /Examples for “price”/);
    expect(again.text).toContain('So far 3');
    const empty = await admin.sendAndWait(' ; ', /That example is empty/);
    expect(empty.text).toContain('So far 3');
    await admin.pressAndWait('Continue ➡', /What should the bot answer/);
    const tooLong = await admin.sendAndWait(
      'x'.repeat(4097),
      /The response is 4,097 characters; the limit is 4,096/,
    );
    expect(tooLong.text).toContain('What should the bot answer');
    const saved = await admin.sendAndWait(
      SALE_INTENTS_EN[0]!.response,
      /Intent “price” saved with 3 examples/,
    );
    expect(saved.text).toContain('• price — 3 examples');

    // One intent is not enough: the reason is shown and the status stays Not trained.
    const refused = await admin.pressAndWait(
      '🎓 Train',
      /Not trained: there is 1 intent; training needs at least 2/,
    );
    expect(refused.text).toContain('Status: Not trained');
    expect((await h.services.campaigns.get(dm)).training).toBe('not_trained');

    for (const intent of SALE_INTENTS_EN.slice(1)) {
      await admin.pressAndWait('➕ Add intent', /New intent: what is it called/);
      await admin.sendAndWait(intent.name, /Examples for/);
      await admin.sendAndWait(intent.examples.join('\n'), /examples added/);
      await admin.pressAndWait('Continue ➡', /What should the bot answer/);
      await admin.sendAndWait(intent.response, new RegExp(`Intent “${intent.name}” saved`));
    }
    // A Cancel in the middle of a new intent leaves the saved ones alone.
    await admin.pressAndWait('➕ Add intent', /New intent/);
    await admin.sendAndWait('half-done', /Examples for “half-done”/);
    await admin.pressAndWait('✖ Cancel', /Training screen closed/);
    expect((await h.services.training.get(dm)).intents.map((i) => i.name)).toEqual([
      'price',
      'delivery',
      'hours',
      'returns',
    ]);

    await admin.sendAndWait(`/training ${dm}`, /Intents \(4\)/);
    const trained = await admin.pressAndWait('🎓 Train', /Trained on 4 intents and 21 examples/);
    expect(trained.text).toContain('Status: Trained');
    expect((await h.services.campaigns.get(dm)).training).toBe('trained');

    await admin.pressAndWait('🧪 Test AI responses', /Type a message the way a contact would/);
    const [paraphrase, intent] = HELD_OUT_EN[4]!;
    const reply = await admin.sendAndWait(paraphrase, /Would send automatically|Nothing would be sent/);
    expect(reply.text).toContain(`Would send automatically (intent “${intent}”`);
    expect(reply.text).toContain(SALE_INTENTS_EN.find((i) => i.name === intent)!.response);
    const low = await admin.sendAndWait('my cat likes jazz', /Nothing would be sent automatically/);
    expect(low.text).toMatch(/below 70 %/);
    await admin.pressAndWait('⬅ Back', /Training — #/);
    await admin.pressAndWait('✅ Done', /Done\. Send \/training again/);
  });

  it('says why it cannot open: unknown id, groups-only Telegram campaign, missing id; not for subscribers', async () => {
    await h.admin.sendAndWait('/training 9999', /That no longer exists/);
    await h.admin.sendAndWait(`/training ${groupsOnly}`, /only goes to groups and channels/);
    await h.admin.sendAndWait('/training', /Send \/training followed by the campaign number/);
    const stranger = h.person(222_000_001, 'Sam');
    await stranger.sendAndWait(`/training ${dm}`, /don't know|not know|unknown|command/i);
    expect(stranger.botMessages().some((m) => m.text?.includes('Training —'))).toBe(false);
  });

  it('lets a viewer see campaigns but not open training', async () => {
    const viewer = h.person(randomInt(600_000_000, 699_999_999), 'Vic');
    await h.services.admins.add(ADMIN_ID, viewer.id, 'viewer');
    await viewer.sendAndWait(`/training ${dm}`, /You are a viewer/);
  });

  it('opens from the 🧠 Training button on a campaign card', async () => {
    await h.admin.sendAndWait('/campaigns', /which platform/);
    await h.admin.pressAndWait('🟢 WhatsApp', /campaigns \(/);
    const card = await h.admin.pressAndWait(`${whatsapp}. WA Promo`, new RegExp(`#${whatsapp} `));
    expect(card.text).toContain('Training: Not trained');
    await h.admin.pressAndWait('🧠 Training', /Training — #\d+ “WA Promo” \(WhatsApp\)/);
    await h.admin.pressAndWait('✅ Done', /Done\./);
  });

  it('answers a subscriber reply to the trained campaign automatically and counts it', async () => {
    const ann = h.person(randomInt(300_000_000, 399_999_999), 'Ann');
    contacts.push(ann.id);
    await ann.sendAndWait('/start', /./);
    await delivered(dm, ann.id);
    const answer = await ann.sendAndWait('how long does shipping take', /./);
    expect(answer.text).toBe(SALE_INTENTS_EN[1]!.response);
    expect((await h.services.training.get(dm)).autoReplies).toBe(1);
    const [response] = await h.models.Response.find({ campaignId: dm, recipient: `tg:${ann.id}` }).lean();
    expect(response).toMatchObject({ autoReplied: true, intent: 'delivery', first: true });
  });

  it('sends a low-confidence reply to the admins, not to the contact; an admin answers through the bot', async () => {
    const bob = h.person(randomInt(400_000_000, 499_999_999), 'Bob');
    contacts.push(bob.id);
    await bob.sendAndWait('/start', /./);
    await delivered(dm, bob.id);
    h.admin.markSeen();
    const ack = await bob.sendAndWait('my cat likes jazz', /./);
    expect(ack.text).toMatch(/passed your message on/);
    const routed = await h.admin.waitForReply(/Reply to #\d+ “Summer Super Sale” \(Telegram\) from Bob/);
    expect(routed.text).toContain('my cat likes jazz');
    expect(routed.text).toMatch(/Not answered automatically: confidence \d+ %/);
    expect(bob.botMessages().map((m) => m.text)).not.toContain(SALE_INTENTS_EN[0]!.response);

    await h.admin.pressAndWait('✍️ Answer', /Type your answer to/, { messageId: routed.message_id });
    bob.markSeen();
    await h.admin.sendAndWait('We love jazz too! Use code JAZZ10.', /Answer sent/);
    const got = await bob.waitForReply(/JAZZ10/);
    expect(got.text).toBe('We love jazz too! Use code JAZZ10.');

    const again = h.admin.pressButton('✍️ Answer', { messageId: routed.message_id });
    expect((await h.admin.waitForAnswer(again)).text).toMatch(/answered that message already/);
    expect((await h.services.training.get(dm)).routed).toBe(1);
  });

  it('thanks a subscriber whose reply is not answered automatically; other texts get the usual answer', async () => {
    const cat = h.person(randomInt(500_000_000, 599_999_999), 'Cat');
    contacts.push(cat.id);
    await cat.sendAndWait('/start', /./);
    await cat.sendAndWait('hello?', /can't answer messages here/);
    const untrained = await h.services.campaigns.create({
      name: 'Untrained',
      platform: 'telegram',
      adminId: ADMIN_ID,
    });
    await delivered(untrained.id, cat.id);
    await cat.sendAndWait('how long does shipping take', /Thanks, we have received your message/);
    expect(await h.models.Response.countDocuments({ campaignId: untrained.id })).toBe(1);
  });

  it('bulk "Update training status" shows the reason for campaigns that cannot be trained', async () => {
    const report = await h.services.bulk.setTraining([whatsapp, dm], 'trained', ADMIN_ID);
    expect(report.done).toEqual([{ id: dm, result: 'trained' }]);
    expect(report.refused).toEqual([
      { id: whatsapp, code: 'training-too-few-intents', params: { count: 0, min: 2 } },
    ]);
  });

  it('routes a WhatsApp reply to the admins; the typed answer is queued for the whatsapp role', async () => {
    for (const intent of SALE_INTENTS_EN) await h.services.training.saveIntent(whatsapp, intent, ADMIN_ID);
    await h.services.training.train(whatsapp, ADMIN_ID);
    const phone = `+4917${randomInt(10_000_000, 99_999_999)}`;
    const sentAt = new Date(Date.now() - 60_000);
    await h.models.Delivery.collection.insertOne({
      _id: deliveryId(whatsapp, 1, `wa:${phone}`),
      campaignId: whatsapp,
      run: 1,
      recipient: `wa:${phone}`,
      seq: 0,
      platform: 'whatsapp',
      phone,
      status: 'delivered',
      attempts: 1,
      sentAt,
      createdAt: sentAt,
      updatedAt: sentAt,
    } as never);
    h.admin.markSeen();
    const reply = { platform: 'whatsapp' as const, phone, text: 'do you sell bicycles', at: new Date() };
    // What the whatsapp role's onReply hook calls.
    expect(await h.services.training.autoReply(reply, await h.services.responses.record(reply))).toBeNull();
    const routed = await h.admin.waitForReply(
      new RegExp(`“WA Promo” \\(WhatsApp\\) from \\${phone}[^]*shares no word with its examples`),
    );
    await h.admin.pressAndWait('✍️ Answer', /Type your answer to:\n“do you sell bicycles”/, {
      messageId: routed.message_id,
    });
    const tooLong = await h.admin.sendAndWait('y'.repeat(4097), /4,097 characters/);
    expect(tooLong.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['✖ Cancel']);
    await h.admin.sendAndWait('Not yet, but soon!', /Answer queued/);
    expect(await h.services.training.nextWhatsAppAnswer()).toMatchObject({
      phone,
      text: 'Not yet, but soon!',
    });
    const redis = createTestRedis();
    await redis.del(`mb:train:rl:wa:${phone}`);
    await redis.quit();
  });
});
