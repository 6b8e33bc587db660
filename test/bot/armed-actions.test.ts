import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { armedKey } from '../../src/bot/armed-actions.js';
import { defaultAudience } from '../../src/domain/campaign.js';
import { ADMIN_ID, type BotHarness, startBotHarness } from '../support/bot-harness.js';
import { TelegramUser } from '../support/telegram-user.js';

const STRANGER = 555_000_001;
const GROUP = -1_555_001;
const EXPIRED = /^This button has expired: nothing was changed\./;

/** Callback data of the inline button with this label in the latest bot message that has it. */
function dataOf(user: TelegramUser, label: string): string {
  for (const m of user.botMessages().reverse()) {
    const b = m.reply_markup?.inline_keyboard.flat().find((x) => x.text === label);
    if (b && 'callback_data' in b) return b.callback_data;
  }
  throw new Error(`no button ${label}`);
}

describe('buttons that change roles, send or delete (armed actions)', () => {
  let h: BotHarness;
  let member: TelegramUser;
  let campaignId: number;

  /** Everything a forged press could change. */
  async function state() {
    return {
      admins: await h.models.Admin.find().sort({ _id: 1 }).lean(),
      campaigns: await h.models.Campaign.find({}, { updatedAt: 0 }).sort({ _id: 1 }).lean(),
      subscribers: await h.models.Subscriber.find({}, { updatedAt: 0, lastSeenAt: 0 })
        .sort({ _id: 1 })
        .lean(),
      sentToMember: h.emulator.sentTo(member.id).length,
    };
  }

  beforeAll(async () => {
    h = await startBotHarness();
    const c = await h.services.campaigns.create({ name: 'Armed', platform: 'telegram', adminId: ADMIN_ID });
    await h.services.campaigns.update(
      c.id,
      {
        message: { text: 'Hello' },
        audience: { ...defaultAudience('telegram'), allSubscribers: true },
      },
      ADMIN_ID,
    );
    campaignId = c.id;
    h.emulator.botAddedTo(
      { id: GROUP, type: 'supergroup', title: 'Armed Group', memberCount: 10 },
      h.admin.user,
    );
    member = new TelegramUser(h.emulator, { id: 555_000_002, first_name: 'Mia' });
    member.in(GROUP).send('hi');
    await vi.waitFor(
      async () => expect(await h.models.Subscriber.countDocuments({ groups: GROUP })).toBe(1),
      10_000,
    );
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a forged role press from the owner, with no role question asked, changes nothing', async () => {
    const screen = await h.admin.sendAndWait('/settings', /⚙️ Settings/);
    const answer = await h.admin.waitForAnswer(
      h.admin.pressCallbackData(`set:ar:${STRANGER}:o`, screen.message_id),
    );
    expect(answer.text).toMatch(EXPIRED);
    expect(answer.show_alert).toBe(true);
    expect(await h.services.admins.roleOf(STRANGER)).toBeNull();
  });

  it('every such callback refuses forged data, a made-up nonce, and another admin’s button', async () => {
    // The owner's own screens, to learn the list id a forger could have seen.
    await h.admin.sendAndWait('/campaigns', /which platform/);
    await h.admin.pressAndWait('✈️ Telegram', /Telegram campaigns/);
    // Selected in bulk mode, so that only the missing confirmation stands between a forger and it.
    await h.admin.pressAndWait('☑ Bulk', /Selected: 0/);
    await h.admin.pressAndWait(`☐ ${campaignId}. Armed`, /Selected: 1/);
    await h.admin.pressAndWait('⬅ Back to the list', /Telegram campaigns/);
    const card = await h.admin.pressAndWait(`${campaignId}. Armed`, /#\d+ Armed/);
    const sid = /^camp:([\w-]+):/.exec(dataOf(h.admin, '✕ Delete'))![1]!;
    // A second admin shown a real confirmation: its data is of no use to anyone else.
    await h.services.admins.add(ADMIN_ID, 555_000_003, 'admin');
    const other = h.person(555_000_003, 'Otto');
    await other.sendAndWait('/settings', /⚙️ Settings/);
    await other.pressAndWait('🕐 Time zone', /Your time zone/);
    await h.admin.pressAndWait('✕ Delete', /Delete #\d+ “Armed”\?/);
    const realYes = dataOf(h.admin, '✕ Yes, delete');
    expect(realYes).toMatch(/~[\w-]{12}$/);

    const before = await state();
    const forged = [
      `set:ar:${STRANGER}:o`,
      `set:r:${STRANGER}:o`,
      `set:dy:${STRANGER}`,
      `camp:${sid}:a:${campaignId}:d:dy`,
      `camp:${sid}:a:${campaignId}:d:dy~AAAAAAAAAAAA`,
      `camp:${sid}:a:${campaignId}:d:sy`,
      `camp:${sid}:a:${campaignId}:d:ny`,
      `camp:${sid}:bdy`,
      `camp:${sid}:bu`,
      `camp:${sid}:bsy:archive`,
      `camp:${sid}:bgy:t`,
      `grp:by:${GROUP}:${member.id}`,
      `grp:ry:${GROUP}:${member.id}`,
      `grp:my:${GROUP}:${member.id}`,
      'wa:logout:yes',
      `wa:goy:${campaignId}:1`,
    ];
    for (const data of forged) {
      const answer = await h.admin.waitForAnswer(h.admin.pressCallbackData(data, card.message_id));
      expect({ data, text: answer.text }).toEqual({ data, text: expect.stringMatching(EXPIRED) });
    }
    // The owner's live confirmation, pressed by the other admin in their own chat.
    const stolen = await other.waitForAnswer(
      other.pressCallbackData(realYes, other.lastBotMessage()!.message_id),
    );
    expect(stolen.text).toMatch(EXPIRED);
    expect(await state()).toEqual(before);

    // The owner's own press still works.
    await h.admin.pressAndWait('✕ Yes, delete', /“Armed” is deleted/);
    expect(await h.models.Campaign.findById(campaignId).lean()).toBeNull();
  });

  it('the role buttons the bot sent work once, and not after they expired', async () => {
    await h.admin.sendAndWait('/settings', /⚙️ Settings/);
    await h.admin.pressAndWait('➕ Add admin', /numeric Telegram user ID/);
    await h.admin.sendAndWait(`${STRANGER} Sam`, /Which role for 555000001 Sam/);
    const owner = dataOf(h.admin, 'owner');
    const nonce = owner.split('~')[1]!;
    // Ten minutes pass: Redis lets the pending action go.
    await h.redis.pexpire(armedKey(ADMIN_ID, nonce), 1);
    while (await h.redis.exists(armedKey(ADMIN_ID, nonce))) await sleep(5);
    const late = await h.admin.waitForAnswer(h.admin.pressButton('owner'));
    expect(late.text).toMatch(EXPIRED);
    expect(await h.services.admins.roleOf(STRANGER)).toBeNull();

    // Asked again, the fresh buttons work, once.
    await h.admin.sendAndWait(`${STRANGER} Sam`, /Which role for 555000001 Sam/);
    const viewer = dataOf(h.admin, 'viewer');
    const roleMessage = h.admin.lastBotMessage()!.message_id;
    await h.admin.pressAndWait('viewer', /555000001 is now viewer/);
    expect(await h.services.admins.roleOf(STRANGER)).toBe('viewer');
    const again = await h.admin.waitForAnswer(
      h.admin.pressCallbackData(viewer.replace(':v~', ':o~'), roleMessage),
    );
    expect(again.text).toMatch(EXPIRED);
    const replay = await h.admin.waitForAnswer(h.admin.pressCallbackData(viewer, roleMessage));
    expect(replay.text).toMatch(EXPIRED);
    expect(await h.services.admins.roleOf(STRANGER)).toBe('viewer');
  });
});
