import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BotHarness, startBotHarness } from '../support/bot-harness.js';
import { TelegramUser } from '../support/telegram-user.js';

const TECH = -1001;
const CRYPTO = -1006;

describe('/groups', () => {
  let h: BotHarness;
  let john: TelegramUser;
  let jane: TelegramUser;
  let mike: TelegramUser;

  beforeAll(async () => {
    h = await startBotHarness();
    const owner = h.person(444_000_100, 'Olga');
    h.emulator.botAddedTo(
      { id: TECH, type: 'supergroup', title: 'Tech Lovers', memberCount: 2450 },
      owner.user,
    );
    h.emulator.botAddedTo(
      { id: CRYPTO, type: 'supergroup', title: 'Crypto Traders', memberCount: 4891 },
      owner.user,
    );
    john = new TelegramUser(h.emulator, {
      id: 444_000_001,
      first_name: 'John',
      last_name: 'Doe',
      username: 'john_doe',
    });
    jane = new TelegramUser(h.emulator, {
      id: 444_000_002,
      first_name: 'Jane',
      last_name: 'Smith',
      username: 'jane_smith',
    });
    mike = new TelegramUser(h.emulator, {
      id: 444_000_003,
      first_name: 'Mike',
      last_name: 'Johnson',
      username: 'mike_johnson',
    });
    for (const person of [john, jane, mike]) person.in(TECH).send('hello');
    // More chats and members than fit on one page, registered as the bot would register them.
    for (let i = 1; i <= 10; i++) {
      await h.services.chats.register({
        id: -2000 - i,
        type: 'group',
        title: `Zeta Group ${String(i).padStart(2, '0')}`,
        memberCount: i,
      });
    }
    for (let i = 1; i <= 12; i++) {
      await h.services.subscribers.seenInGroup({ id: 444_100_000 + i, first_name: `Trader${i}` }, CRYPTO);
    }
    await vi.waitFor(
      async () => expect(await h.models.Subscriber.countDocuments({ groups: TECH })).toBe(3),
      5000,
    );
    await vi.waitFor(async () => expect(await h.models.Chat.countDocuments()).toBe(12), 5000);
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function openTech() {
    await h.admin.sendAndWait('/groups', /Groups and channels \(12\)/);
    return h.admin.pressAndWait('Tech Lovers (2450)', /👥 Tech Lovers/);
  }

  it('lists the groups with member counts, 10 per page', async () => {
    const page1 = await h.admin.sendAndWait('/groups', /Groups and channels \(12\) · page 1\/2/);
    expect(page1.text).toContain('1. Crypto Traders — supergroup, 4,891 members');
    expect(page1.text).toContain('2. Tech Lovers — supergroup, 2,450 members');
    const page2 = await h.admin.pressAndWait('▶', /page 2\/2/);
    expect(page2.text).toContain('11. Zeta Group 09 — group, 9 members');
    expect(page2.text).toContain('12. Zeta Group 10 — group, 10 members');
  });

  it("shows a group's subscribers with ID, name and @username, paginated", async () => {
    const tech = await openTech();
    expect(tech.text).toContain('Subscribers seen in this chat: 3');
    expect(tech.text).toContain('444000001 · John Doe · @john_doe');
    expect(tech.text).toContain('444000003 · Mike Johnson · @mike_johnson');

    await h.admin.sendAndWait('/groups', /Groups and channels/);
    const crypto = await h.admin.pressAndWait(
      'Crypto Traders (4891)',
      /Subscribers seen in this chat: 12 · page 1\/2/,
    );
    expect(crypto.text).toContain('444100001 · Trader1 · —');
    const next = await h.admin.pressAndWait('▶', /page 2\/2/);
    expect(next.text).toContain('444100012 · Trader12');
  });

  it("exports a group's subscribers as a CSV document", async () => {
    await openTech();
    const before = h.emulator.callsOf('sendDocument').length;
    h.admin.pressButton('⬇ Export CSV');
    const doc = await h.admin.waitForReply((m) => m.document !== undefined);
    expect(doc.caption).toContain('3 subscribers of Tech Lovers');
    const csv = h.emulator.callsOf('sendDocument').slice(before)[0]!.files[0]!.content.toString('utf8');
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe('ID,Name,Username,Subscribed,Blocked,Groups,Segments');
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 3))).toEqual([
      ['444000001', 'John Doe', '@john_doe'],
      ['444000002', 'Jane Smith', '@jane_smith'],
      ['444000003', 'Mike Johnson', '@mike_johnson'],
    ]);
  });

  it('adds a subscriber to a segment', async () => {
    await openTech();
    await h.admin.pressAndWait('John Doe @john_doe', /👤 John Doe · @john_doe · ID 444000001/);
    await h.admin.pressAndWait('🏷 Add to segment', /Add John Doe to which segment/);
    const done = await h.admin.pressAndWait('VIP Customers', /John Doe is in “VIP Customers”/);
    expect(done.text).toContain('Segments: VIP Customers');
    expect((await h.models.Subscriber.findById(john.id).lean())?.segments).toEqual(['VIP Customers']);
  });

  it('sends a direct message after a preview, and reports a failure', async () => {
    await openTech();
    await h.admin.pressAndWait('Jane Smith @jane_smith', /👤 Jane Smith/);
    await h.admin.pressAndWait('✉️ Direct message', /Type the message for Jane Smith/);
    await h.admin.sendAndWait('Your order has shipped!', /Send this to Jane Smith\?/);
    expect(h.emulator.messagesIn(jane.id)).toHaveLength(0);
    await h.admin.pressAndWait('✉️ Send', /Message sent to Jane Smith/);
    expect(h.emulator.messagesIn(jane.id).at(-1)?.text).toBe('Your order has shipped!');

    mike.blockBot();
    await openTech();
    await h.admin.pressAndWait('Mike Johnson @mike_johnson', /👤 Mike Johnson/);
    await h.admin.pressAndWait('✉️ Direct message', /Type the message/);
    await h.admin.sendAndWait('Hello Mike', /Send this to Mike Johnson/);
    const failed = await h.admin.pressAndWait('✉️ Send', /Not sent: Mike Johnson has blocked the bot/);
    expect(failed.text).toContain('yes, the user blocked the bot');
    expect(await h.models.Subscriber.findById(mike.id).lean()).toMatchObject({
      blocked: true,
      blockedBy: 'user',
    });
  });

  it('blocks a user after confirmation and removes one from the group', async () => {
    await openTech();
    await h.admin.pressAndWait('John Doe @john_doe', /👤 John Doe/);
    await h.admin.pressAndWait('⛔ Block user', /Block John Doe\? Nothing will be sent/);
    expect((await h.models.Subscriber.findById(john.id).lean())?.blocked).toBe(false);
    await h.admin.pressAndWait('⛔ Yes, block', /John Doe is blocked/);
    expect(await h.models.Subscriber.findById(john.id).lean()).toMatchObject({
      blocked: true,
      blockedBy: 'admin',
    });

    await h.admin.pressAndWait('✕ Remove from group', /Remove John Doe from the subscribers of Tech Lovers/);
    const after = await h.admin.pressAndWait('✕ Yes, remove', /John Doe is removed from Tech Lovers/);
    expect(after.text).toContain('Subscribers seen in this chat: 2');
    expect((await h.models.Subscriber.findById(john.id).lean())?.groups).toEqual([]);
  });

  it('refuses changes to a viewer, who still sees the groups', async () => {
    await h.services.admins.add(h.admin.id, 444_000_900, 'viewer');
    const viewer = h.person(444_000_900, 'Vic');
    await viewer.sendAndWait('/groups', /Groups and channels/);
    const tech = await viewer.pressAndWait('Tech Lovers (2450)', /👥 Tech Lovers/);
    await viewer.pressAndWait('Jane Smith @jane_smith', /👤 Jane Smith/);
    expect(viewer.buttons().flat()).not.toContain('⛔ Block user');
    const answer = await viewer.waitForAnswer(
      viewer.pressCallbackData(`grp:by:${TECH}:${jane.id}`, tech.message_id),
    );
    expect(answer.text).toMatch(/viewer/);
    expect((await h.models.Subscriber.findById(jane.id).lean())?.blocked).toBe(false);
  });
});
