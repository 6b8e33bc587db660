import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramMessenger } from '../../src/dispatch/messengers/telegram.messenger.js';
import { createTestSender, TestSendFailedError } from '../../src/services/send-test.js';
import { testLogger } from '../support/services.js';
import { ADMIN_ID, addGroups, campaignDoc, createCampaign, createEnv, type Env, TOKEN } from './helpers.js';

describe('send a test of a campaign', () => {
  let env: Env;
  let sender: ReturnType<typeof createTestSender>;
  beforeAll(async () => {
    env = await createEnv();
    await env.models.Subscriber.create({ _id: ADMIN_ID, firstName: 'Ada', subscribed: false });
    const messenger = createTelegramMessenger(new Api(TOKEN, { apiRoot: env.emulator.apiRoot }));
    sender = createTestSender({ models: env.models, messenger, logger: testLogger });
  });
  afterAll(async () => {
    await env.close();
  });

  it('goes to the admin as recipients would see it, and is not recorded as a delivery', async () => {
    const id = await createCampaign(env, { text: 'Hi [Name], *20% off* with [CODE]' });
    await env.models.Campaign.updateOne(
      { _id: id },
      { $set: { 'message.placeholders': { CODE: 'SAVE20' } } },
    ).exec();
    const results = await sender.sendCampaignTest({ campaignId: id, adminId: ADMIN_ID });
    expect(results).toEqual([{ chatId: ADMIN_ID, ok: true, messageId: expect.any(Number) }]);
    const got = env.emulator.lastMessage(ADMIN_ID);
    expect(got?.text).toBe('Hi Ada, 20% off with SAVE20');
    expect(got?.entities).toEqual([{ type: 'bold', offset: 8, length: 7 }]);
    expect(await env.models.Delivery.countDocuments({ campaignId: id }).exec()).toBe(0);
    const doc = await campaignDoc(env, id);
    expect(doc.counters).toMatchObject({ sent: 0, total: 0 });
  });

  it('sends a draft to chosen chats and reports each outcome', async () => {
    const [group] = await addGroups(env, 1);
    const gone = -1_000_000_777_001;
    const results = await sender.sendTest({
      platform: 'telegram',
      message: { text: 'Draft for [Name]', buttons: [[{ text: 'Open', url: 'https://example.com' }]] },
      settings: {
        disableLinkPreview: true,
        disableNotification: false,
        pin: false,
        inlineKeyboard: true,
        botInteractions: false,
        paidBroadcast: false,
      },
      adminId: ADMIN_ID,
      chatIds: [group!, gone],
    });
    expect(results).toEqual([
      { chatId: group, ok: true, messageId: expect.any(Number) },
      { chatId: gone, ok: false, reason: 'chat_not_found' },
    ]);
    const got = env.emulator.lastMessage(group!);
    expect(got?.text).toBe('Draft for Group 0');
    expect(got?.reply_markup?.inline_keyboard).toEqual([[{ text: 'Open', url: 'https://example.com' }]]);
  });

  it('says why when nothing arrived', async () => {
    env.emulator.setBlocked(ADMIN_ID, 'blocked');
    const id = await createCampaign(env, { text: 'Hello' });
    await expect(sender.sendCampaignTest({ campaignId: id, adminId: ADMIN_ID })).rejects.toEqual(
      expect.objectContaining({
        constructor: TestSendFailedError,
        code: 'test-send-failed',
        params: { reason: 'blocked' },
      }),
    );
    env.emulator.setBlocked(ADMIN_ID, undefined);
    await expect(
      sender.sendTest({
        platform: 'whatsapp',
        message: { text: 'x' },
        settings: {} as never,
        adminId: ADMIN_ID,
      }),
    ).rejects.toMatchObject({ code: 'feature-not-available' });
  });
});
