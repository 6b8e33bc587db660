import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotHarness, startBotHarness } from '../support/bot-harness.js';

describe('/start and /stop', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("gives an admin the admin menu, with buttons, and doesn't subscribe them", async () => {
    const reply = await h.admin.sendAndWait('/start', /Welcome, Olivia \(owner\)/);
    expect(reply.text).toContain('/newcampaign');
    expect(h.admin.buttons().flat()).toEqual(expect.arrayContaining(['➕ New campaign', '📋 Campaigns']));
    expect(await h.models.Subscriber.findById(h.admin.id).lean()).toBeNull();
  });

  it('subscribes a non-admin, stores them in MongoDB and mentions /stop', async () => {
    const ann = h.person(222_000_001, 'Ann');
    const reply = await ann.sendAndWait('/start', /subscribed/);
    expect(reply.text).toContain('/stop');
    const stored = await h.models.Subscriber.findById(ann.id).lean();
    expect(stored).toMatchObject({ firstName: 'Ann', subscribed: true, blocked: false });

    const again = await ann.sendAndWait('/start', /already subscribed/);
    expect(again.text).toContain('/stop');
  });

  it('unsubscribes at once on /stop', async () => {
    const bob = h.person(222_000_002, 'Bob');
    await bob.sendAndWait('/start', /subscribed/);
    const reply = await bob.sendAndWait('/stop', /unsubscribed/);
    expect(reply.text).toContain('/start');
    const stored = await h.models.Subscriber.findById(bob.id).lean();
    expect(stored?.subscribed).toBe(false);
    expect(stored?.unsubscribedAt).toBeInstanceOf(Date);
  });

  it("answers in the user's language when we ship it", async () => {
    const ivan = h.person(222_000_003, 'Иван', 'ru');
    const reply = await ivan.sendAndWait('/start', /подписаны/);
    expect(reply.text).toContain('/stop');
  });

  it('answers an unknown command specifically and keeps the subscription', async () => {
    const cat = h.person(222_000_004, 'Cat');
    await cat.sendAndWait('/start', /subscribed/);
    const reply = await cat.sendAndWait('/frobnicate', /don't know \/frobnicate/);
    expect(reply.text).toContain('/help');
    expect((await h.models.Subscriber.findById(cat.id).lean())?.subscribed).toBe(true);
  });

  it('refuses admin commands to a non-admin and changes nothing', async () => {
    const dan = h.person(222_000_005, 'Dan');
    for (const command of ['newcampaign', 'whatsapp', 'training', 'stats']) {
      await dan.sendAndWait(`/${command}`, new RegExp(`don't know /${command}|Only admins`));
    }
    expect(await h.models.Campaign.countDocuments()).toBe(0);
  });

  it('answers a press on an unknown or forged button without changing anything', async () => {
    const eve = h.person(222_000_006, 'Eve');
    await eve.sendAndWait('/start', /subscribed/);
    const msg = eve.lastBotMessage()!;
    const query = eve.pressCallbackData('camp:delete:1', msg.message_id);
    const answer = await eve.waitForAnswer(query);
    expect(answer.text).toMatch(/changed/);
    expect(await h.models.Campaign.countDocuments()).toBe(0);
  });
});
