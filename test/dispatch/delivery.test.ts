import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createReachIndex } from '../../src/db/reach-index.js';
import { createTestRedis } from '../support/services.js';
import {
  ADMIN_ID,
  addGroups,
  addSubscribers,
  campaignDoc,
  createCampaign,
  createEnv,
  deliveriesOf,
  type Env,
  sendsPerChat,
  startDispatcher,
  stopDispatchers,
  waitForStatus,
} from './helpers.js';

describe('dispatcher: delivering a Telegram campaign', () => {
  let env: Env;
  beforeAll(async () => {
    env = await createEnv();
  });
  afterEach(async () => {
    await stopDispatchers();
    env.emulator.clearFaults();
  });
  afterAll(async () => {
    await env.close();
  });

  it('reaches 3 groups and 50 subscribers exactly once, with progress and a summary for the admin', async () => {
    const subs = await addSubscribers(env, 50);
    const groups = await addGroups(env, 3);
    const id = await createCampaign(env, {
      audience: { directSubscriberIds: subs, groupIds: groups },
      startedBy: ADMIN_ID,
    });
    const dispatcher = startDispatcher(env);
    await dispatcher.start();
    const doc = await waitForStatus(env, id, ['published']);
    await dispatcher.stop();

    const counts = sendsPerChat(env, [...subs, ...groups]);
    expect([...subs, ...groups].map((c) => counts.get(c) ?? 0)).toEqual(Array(53).fill(1));
    expect(doc.counters).toEqual({ total: 53, sent: 53, failed: 0, unknown: 0 });
    expect(doc.runs).toMatchObject([{ run: 1, outcome: 'published', total: 53, sent: 53, failed: 0 }]);
    expect(doc.lease?.owner).toBeUndefined();

    const deliveries = await deliveriesOf(env, id);
    expect(deliveries).toHaveLength(53);
    expect(deliveries.every((d) => d.status === 'sent' && d.messageId)).toBe(true);

    // [Name] filled per recipient, *sale* sent as a bold entity
    const first = env.emulator.lastMessage(subs[0]!);
    expect(first?.text).toBe('Hello User0, sale today!');
    expect(first?.entities).toEqual([{ type: 'bold', offset: 13, length: 4 }]);
    expect(env.emulator.lastMessage(groups[0]!)?.text).toBe('Hello Group 0, sale today!');

    const adminView = env.emulator.messagesIn(ADMIN_ID).map((m) => m.text ?? '');
    expect(adminView).toHaveLength(2);
    expect(adminView[0]).toContain('Sent: 53 · Failed: 0 · Left: 0 of 53');
    expect(adminView[0]).toContain('▰▰▰▰▰▰▰▰▰▰ 100%');
    expect(adminView[1]).toContain('is published');

    // A subscriber's reply will find this campaign in the reach index; a group is not linked.
    const redis = createTestRedis();
    try {
      const reach = createReachIndex(redis, { database: env.models.Campaign.db.name, ttlMs: 1 });
      expect((await reach.latest(`tg:${subs[49]}`)).link).toMatchObject({ campaignId: id, run: 1 });
      expect((await reach.latest(`tg:${groups[0]}`)).link).toBeNull();
    } finally {
      await redis.quit();
    }
  });

  it('honours 429 answers: everyone gets it once and no chat is called again before retry_after', async () => {
    const subs = await addSubscribers(env, 30);
    const id = await createCampaign(env, { audience: { directSubscriberIds: subs } });
    const from = env.emulator.calls.length;
    env.emulator.setFaultRate({ method: 'sendMessage', rate: 0.2, error: { retryAfter: 1 } });
    const dispatcher = startDispatcher(env);
    await dispatcher.start();
    const doc = await waitForStatus(env, id, ['published'], 60_000);
    await dispatcher.stop();
    env.emulator.clearFaults();

    const audience = new Set(subs);
    const calls = env.emulator.calls
      .slice(from)
      .filter((c) => c.method === 'sendMessage' && c.chatId !== undefined && audience.has(c.chatId));
    const limited = calls.filter((c) => !c.response.ok && c.response.error_code === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const c of limited) {
      const answeredAt = c.at + c.durationMs;
      const next = calls.find((o) => o.chatId === c.chatId && o.at > c.at);
      expect(next, `chat ${c.chatId} was never called again`).toBeDefined();
      expect(next!.at - answeredAt).toBeGreaterThanOrEqual(995);
    }
    const counts = sendsPerChat(env, subs);
    expect(subs.map((s) => counts.get(s) ?? 0)).toEqual(Array(30).fill(1));
    expect(doc.counters).toMatchObject({ total: 30, sent: 30, failed: 0 });
    expect(dispatcher.metrics.render()).toMatch(/dispatch_rate_limited_total [1-9]/);
  });

  it('marks blocked users, kicked and missing groups inactive and fails their deliveries with a reason', async () => {
    const subs = await addSubscribers(env, 6);
    const groups = await addGroups(env, 3);
    env.emulator.setBlocked(subs[0]!, 'blocked');
    env.emulator.setBlocked(subs[1]!, 'deactivated');
    env.emulator.addChat({ id: groups[0]!, type: 'supergroup', botStatus: 'kicked' });
    const missing = -1_009_999_000_001;
    await env.models.Chat.create({ _id: missing, type: 'group', title: 'Gone' });
    const id = await createCampaign(env, {
      audience: { directSubscriberIds: subs, groupIds: [...groups, missing] },
    });
    const dispatcher = startDispatcher(env);
    await dispatcher.start();
    const doc = await waitForStatus(env, id, ['published']);
    await dispatcher.stop();

    expect(doc.counters).toEqual({ total: 10, sent: 6, failed: 4, unknown: 0 });
    const byRecipient = new Map((await deliveriesOf(env, id)).map((d) => [d.chatId, d]));
    expect(byRecipient.get(subs[0]!)).toMatchObject({ status: 'failed', reason: 'blocked' });
    expect(byRecipient.get(subs[1]!)).toMatchObject({ status: 'failed', reason: 'blocked' });
    expect(byRecipient.get(groups[0]!)).toMatchObject({ status: 'failed', reason: 'blocked' });
    expect(byRecipient.get(missing)).toMatchObject({ status: 'failed', reason: 'chat_not_found' });
    expect(byRecipient.get(subs[2]!)).toMatchObject({ status: 'sent' });

    const blocked = await env.models.Subscriber.find({ _id: { $in: subs } })
      .sort({ _id: 1 })
      .lean()
      .exec();
    expect(blocked.filter((s) => s.blocked).map((s) => [s._id, s.blockedBy])).toEqual([
      [subs[0], 'user'],
      [subs[1], 'user'],
    ]);
    const chats = await env.models.Chat.find({ _id: { $in: [...groups, missing] } })
      .lean()
      .exec();
    expect(
      chats
        .filter((c) => !c.active)
        .map((c) => c._id)
        .sort(),
    ).toEqual([groups[0], missing].sort());
  });

  it('follows a group that became a supergroup: the message arrives at the new id, the chat is updated', async () => {
    const subs = await addSubscribers(env, 2);
    const [oldId] = await addGroups(env, 1, 'group');
    const newId = env.emulator.migrateChat(oldId!);
    const id = await createCampaign(env, { audience: { directSubscriberIds: subs, groupIds: [oldId!] } });
    const dispatcher = startDispatcher(env);
    await dispatcher.start();
    const doc = await waitForStatus(env, id, ['published']);
    await dispatcher.stop();

    expect(env.emulator.sentTo(newId)).toHaveLength(1);
    expect(env.emulator.sentTo(oldId!)).toHaveLength(0);
    expect(doc.counters).toEqual({ total: 3, sent: 3, failed: 0, unknown: 0 });
    const old = await env.models.Chat.findById(oldId).lean().exec();
    const moved = await env.models.Chat.findById(newId).lean().exec();
    expect(old).toMatchObject({ active: false, migratedTo: newId });
    expect(moved).toMatchObject({ type: 'supergroup', active: true, title: 'Group 0' });
    const delivery = (await deliveriesOf(env, id)).find((d) => d.recipient === `tg:${oldId}`);
    expect(delivery).toMatchObject({ status: 'sent', chatId: newId });
  });

  it('sends media with caption, URL buttons, silent and paid flags, and pins it', async () => {
    const subs = await addSubscribers(env, 2);
    const groups = await addGroups(env, 1);
    const file = env.emulator.storeFile('photo', 'promo.jpg', 'image/jpeg', Buffer.from('jpeg'));
    const id = await createCampaign(env, {
      audience: { directSubscriberIds: subs, groupIds: groups },
      settings: { pin: true, inlineKeyboard: true, disableNotification: true, paidBroadcast: true },
    });
    await env.models.Campaign.updateOne(
      { _id: id },
      {
        $set: {
          'message.text': '_New_ arrivals for [Name]',
          'message.media': { kind: 'photo', fileId: file.file_id, mime: 'image/jpeg', size: 4 },
          'message.buttons': [[{ text: 'Shop', url: 'https://example.com/shop' }]],
        },
      },
    ).exec();
    const dispatcher = startDispatcher(env);
    await dispatcher.start();
    await waitForStatus(env, id, ['published']);
    await dispatcher.stop();

    const photo = env.emulator.callsOf('sendPhoto').find((c) => c.chatId === groups[0]);
    expect(photo?.response.ok).toBe(true);
    expect(photo?.params).toMatchObject({
      caption: 'New arrivals for Group 0',
      caption_entities: [{ type: 'italic', offset: 0, length: 3 }],
      disable_notification: true,
      allow_paid_broadcast: true,
      reply_markup: { inline_keyboard: [[{ text: 'Shop', url: 'https://example.com/shop' }]] },
    });
    for (const chat of [...subs, ...groups]) expect(env.emulator.chat(chat)?.pinned).toHaveLength(1);
  });

  it('starts a scheduled campaign on time', async () => {
    const subs = await addSubscribers(env, 3);
    const at = new Date(Date.now() + 1500);
    const dispatcher = startDispatcher(env, { SCHEDULER_TICK_MS: '1000' });
    await dispatcher.start();
    const id = await createCampaign(env, { audience: { directSubscriberIds: subs }, at });
    await waitForStatus(env, id, ['published']);
    await dispatcher.stop();
    const first = Math.min(...subs.map((s) => env.emulator.sentTo(s)[0]?.at ?? Number.POSITIVE_INFINITY));
    expect(first - at.getTime()).toBeGreaterThanOrEqual(0);
    expect(first - at.getTime()).toBeLessThan(2000);
    expect((await campaignDoc(env, id)).run).toBe(1);
  });
});
