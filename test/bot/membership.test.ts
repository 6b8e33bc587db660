import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultAudience } from '../../src/domain/campaign.js';
import { ADMIN_ID, type BotHarness, startBotHarness } from '../support/bot-harness.js';

const SECOND_ADMIN = 111_000_002;

describe('groups and channels the bot is added to', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
    await h.services.admins.add(ADMIN_ID, SECOND_ADMIN, 'admin', 'Rustam');
    await h.services.admins.setLanguage(SECOND_ADMIN, 'ru');
    h.emulator.addUser({ id: SECOND_ADMIN, first_name: 'Rustam', language_code: 'ru' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const chatDoc = (id: number) => h.models.Chat.findById(id).lean();

  it('registers a group it is added to and tells every admin in their language', async () => {
    const owner = h.person(333_000_001, 'Greta');
    h.emulator.botAddedTo(
      { id: -1001, type: 'supergroup', title: 'Tech Lovers', memberCount: 2450 },
      owner.user,
    );

    const told = await h.admin.waitForReply(/I was added to the group “Tech Lovers”/);
    expect(told.text).toContain('2,450 members');
    expect(told.text).toContain('Greta');
    await vi.waitFor(
      () => expect(h.emulator.messagesIn(SECOND_ADMIN).at(-1)?.text).toMatch(/Меня добавили/),
      5000,
    );

    expect(await chatDoc(-1001)).toMatchObject({
      type: 'supergroup',
      title: 'Tech Lovers',
      memberCount: 2450,
      active: true,
      addedBy: owner.id,
    });
  });

  it('registers a channel, and marks a chat inactive when the bot is removed, telling the admins', async () => {
    const owner = h.person(333_000_002, 'Carl');
    h.emulator.botAddedTo(
      { id: -1002, type: 'channel', title: 'Deals Channel', memberCount: 900 },
      owner.user,
    );
    await h.admin.waitForReply(/added to the channel “Deals Channel”/);
    expect(await chatDoc(-1002)).toMatchObject({ type: 'channel', active: true, canPost: true });

    h.emulator.botRemovedFrom(-1002, owner.user, 'kicked');
    const told = await h.admin.waitForReply(/no longer in the channel “Deals Channel”/);
    expect(told.text).toContain('removed by Carl');
    expect(await chatDoc(-1002)).toMatchObject({ active: false, inactiveReason: 'kicked' });

    h.emulator.botAddedTo({ id: -1002, type: 'channel', title: 'Deals Channel' }, owner.user);
    await h.admin.waitForReply(/added to the channel “Deals Channel”/);
    expect((await chatDoc(-1002))?.active).toBe(true);
  });

  it('follows a group that becomes a supergroup: chat, members and campaign audiences move to the new id', async () => {
    const owner = h.person(333_000_003, 'Mia');
    h.emulator.botAddedTo({ id: -5001, type: 'group', title: 'Book Club', memberCount: 567 }, owner.user);
    await h.admin.waitForReply(/added to the group “Book Club”/);
    owner.in(-5001).send('hello everyone');
    await vi.waitFor(async () =>
      expect((await h.models.Subscriber.findById(owner.id).lean())?.groups).toEqual([-5001]),
    );
    const campaign = await h.services.campaigns.create({
      name: 'Book news',
      platform: 'telegram',
      adminId: ADMIN_ID,
    });
    await h.services.campaigns.update(
      campaign.id,
      { audience: { ...defaultAudience('telegram'), groupIds: [-5001] } },
      ADMIN_ID,
    );

    const newId = h.emulator.migrateChat(-5001);
    // The last step of the move is the members' groups: once they moved, everything did.
    await vi.waitFor(
      async () => expect((await h.models.Subscriber.findById(owner.id).lean())?.groups).toEqual([newId]),
      5000,
    );
    expect(await chatDoc(-5001)).toMatchObject({
      active: false,
      inactiveReason: 'migrated',
      migratedTo: newId,
    });
    expect(await chatDoc(newId)).toMatchObject({
      type: 'supergroup',
      title: 'Book Club',
      active: true,
      memberCount: 567,
    });
    const audience = (await h.models.Campaign.findById(campaign.id).lean())?.audience as {
      groupIds: number[];
    };
    expect(audience.groupIds).toEqual([newId]);
  });

  it('opts a group out on /optout from a group administrator, and politely refuses a member', async () => {
    const creator = h.person(333_000_004, 'Olga');
    h.emulator.botAddedTo(
      { id: -1003, type: 'supergroup', title: 'Marketing Gurus', memberCount: 1823 },
      creator.user,
    );
    await h.admin.waitForReply(/“Marketing Gurus”/);

    const member = h.person(333_000_005, 'Max').in(-1003);
    const refused = await member.sendAndWait('/optout', /only this group's administrators/);
    expect(refused.reply_to_message?.text).toBe('/optout');
    expect((await chatDoc(-1003))?.optedOut).toBe(false);

    h.emulator.setMember(-1003, 333_000_006, 'administrator');
    const admin = h.person(333_000_006, 'Ada').in(-1003);
    await admin.sendAndWait('/optout@' + h.emulator.bot().username, /This chat is opted out/);
    expect((await chatDoc(-1003))?.optedOut).toBe(true);
    await h.admin.waitForReply(/“Marketing Gurus” opted out of campaigns/);
    await admin.sendAndWait('/optout', /already opted out/);

    // An opted-out group is no campaign audience any more.
    expect(
      await h.services.audience.estimateReach({ ...defaultAudience('telegram'), groupIds: [-1003] }),
    ).toBe(0);

    // Only its administrators can bring it back, with /optin.
    await member.sendAndWait('/optin', /only this group's administrators can opt it back in/);
    expect((await chatDoc(-1003))?.optedOut).toBe(true);
    await admin.sendAndWait('/optin', /takes campaigns from this bot again/);
    expect((await chatDoc(-1003))?.optedOut).toBe(false);
    await h.admin.waitForReply(/“Marketing Gurus” takes campaigns again/);
    await admin.sendAndWait('/optin', /already takes campaigns/);
    expect(
      await h.services.audience.estimateReach({ ...defaultAudience('telegram'), groupIds: [-1003] }),
    ).toBe(1823);
  });

  it('lets an anonymous group administrator opt the group out', async () => {
    const creator = h.person(333_000_007, 'Ivo');
    h.emulator.botAddedTo({ id: -1004, type: 'supergroup', title: 'Fitness Enthusiasts' }, creator.user);
    await h.admin.waitForReply(/“Fitness Enthusiasts”/);
    h.emulator.incomingMessage(
      -1004,
      { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
      {
        text: '/optout',
        entities: [{ type: 'bot_command', offset: 0, length: 7 }],
        sender_chat: h.emulator.telegramChat(-1004),
      },
    );
    await vi.waitFor(async () => expect((await chatDoc(-1004))?.optedOut).toBe(true), 5000);
  });
});
