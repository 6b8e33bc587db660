import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WhatsAppCommand } from '../../src/services/whatsapp.service.js';
import { ADMIN_ID, type BotHarness, startBotHarness } from '../support/bot-harness.js';
import { testRedisUrl } from '../support/services.js';

const VIEWER = 777_100_001;
const STRANGER = 777_100_002;

describe('/whatsapp in the bot (emulator, real FerretDB and Redis)', () => {
  let h: BotHarness;
  let redis: Redis;
  /** the harness's Redis prefix (private to it), learnt from the first command the bot queues */
  let prefix: string | undefined;
  beforeAll(async () => {
    h = await startBotHarness();
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    await h?.stop();
    await redis?.quit();
  });

  /** The harness's Redis prefix is private: find our command list by its unique name. */
  async function commands(): Promise<WhatsAppCommand[]> {
    const keys = await redis.keys('bot_*:wa:commands');
    const mine: WhatsAppCommand[] = [];
    for (const key of keys) {
      prefix ??= key.replace(/wa:commands$/, '');
      for (const raw of await redis.lrange(key, 0, -1)) {
        const cmd = JSON.parse(raw) as WhatsAppCommand;
        if (cmd.by === ADMIN_ID || cmd.by === VIEWER) mine.push(cmd);
      }
      await redis.del(key);
    }
    return mine;
  }

  it('shows the state, sends Connect to the whatsapp role through Redis', async () => {
    const screen = await h.admin.sendAndWait('/whatsapp', /WhatsApp/);
    expect(screen.text).toContain('no whatsapp role has reported yet');
    expect(screen.text).toContain('Your test number: not set');
    await h.admin.pressAndWait('🔌 Connect', /no whatsapp role is running/);
    const sent = await commands();
    expect(sent).toMatchObject([{ type: 'connect', by: ADMIN_ID }]);
  });

  it('test number: a malformed one gets a specific reply, a valid one is saved in E.164', async () => {
    await h.admin.sendAndWait('/whatsapp', /WhatsApp/);
    await h.admin.pressAndWait('📱 Test number', /test number, with its country code/);
    await h.admin.sendAndWait('12ab', /“12ab” is not a valid phone number/);
    await h.admin.sendAndWait('+49 (151) 2345-6789', /Test number saved: \+49151•+789/);
    expect((await h.models.Admin.findById(ADMIN_ID).lean())?.testPhone).toBe('+4915123456789');
    const screen = await h.admin.sendAndWait('/whatsapp', /WhatsApp/);
    expect(screen.text).toMatch(/Your test number: \+49151•+789/);
  });

  it('pairing code: only while a QR is showing; a malformed number gets a specific reply, a good one becomes a command', async () => {
    const keys = await redis.keys('bot_*:wa:commands');
    expect(keys).toEqual([]);
    // the whatsapp role reports that it waits for a QR scan
    const statusKeyPrefix = prefix as string;
    expect(statusKeyPrefix).toMatch(/^bot_[0-9a-f]+:$/);
    await redis.set(
      `${statusKeyPrefix}wa:status`,
      JSON.stringify({ state: 'qr', updatedAt: new Date().toISOString() }),
    );
    const screen = await h.admin.sendAndWait('/whatsapp', /WhatsApp/);
    expect(screen.text).toContain('waiting for the QR scan');
    await h.admin.pressAndWait('🔢 Pairing code', /phone number of the WhatsApp account/);
    await h.admin.sendAndWait('+1 555', /is not a valid phone number/);
    await h.admin.sendAndWait('+4915123456789', /Asking WhatsApp for a pairing code/);
    expect(await commands()).toMatchObject([{ type: 'pair', phone: '+4915123456789', by: ADMIN_ID }]);

    await redis.set(
      `${statusKeyPrefix}wa:status`,
      JSON.stringify({ state: 'ready', account: '+49151•••••000', updatedAt: new Date().toISOString() }),
    );
    const ready = await h.admin.sendAndWait('/whatsapp', /WhatsApp/);
    expect(ready.text).toContain('Account: +49151•••••000');
    await h.admin.pressAndWait('🚪 Log out', /Log out of WhatsApp\?/);
    await h.admin.pressAndWait('🚪 Yes, log out', /Logging out/);
    expect(await commands()).toMatchObject([{ type: 'logout', by: ADMIN_ID }]);
  });

  it('the go-ahead button after a test message asks once more, then sets the campaign sending; pressed again it is outdated', async () => {
    const id = 880_001;
    await h.models.Campaign.create({
      _id: id,
      name: 'Spring',
      nameLower: 'spring',
      platform: 'whatsapp',
      type: 'promotional',
      status: 'paused',
      pauseReason: 'awaiting_test_approval',
      run: 1,
      audience: { kind: 'whatsapp', all: true, segments: [], contactIds: [], importedPhones: [] },
      message: { text: 'Hi' },
      schedule: { at: new Date(), zone: 'UTC', frequency: 'none' },
      settings: { sendTestFirst: true },
      createdBy: ADMIN_ID,
    });
    await h.models.Campaign.collection.updateOne(
      { _id: id as never },
      { $set: { whatsappTest: { sentRun: 1 } } },
    );
    const screen = await h.admin.sendAndWait('/whatsapp', /WhatsApp/);
    // The go-ahead button the whatsapp run sends (wa:go:<id>:<run>) only asks.
    h.admin.pressCallbackData(`wa:go:${id}:1`, screen.message_id);
    await h.admin.waitForReply(/test message of campaign #880001 looked right/);
    expect(((await h.models.Campaign.findById(id).lean()) as { status?: string }).status).toBe('paused');
    const confirm = h.admin.lastBotMessage()!;
    const yesData = JSON.stringify(confirm.reply_markup).match(/wa:goy:[^"]+/)![0];
    const yes = await h.admin.pressAndWait('✅ Yes, send to everyone', /Campaign #880001 is sending now/);
    expect(yes.text).toBe('✅ Campaign #880001 is sending now.');
    const doc = (await h.models.Campaign.findById(id).lean()) as unknown as Record<string, unknown>;
    expect(doc.status).toBe('sending');
    expect(doc.pauseReason).toBeUndefined();
    expect(doc.whatsappTest).toEqual({ sentRun: 1, approvedRun: 1 });
    // The confirmation again (a double tap that raced the keyboard's removal): its button is spent.
    const again = h.admin.pressCallbackData(yesData, confirm.message_id);
    expect((await h.admin.waitForAnswer(again)).text).toMatch(/This button has expired/);
    // A new confirmation for the same run: the campaign no longer waits for it.
    h.admin.pressCallbackData(`wa:go:${id}:1`, screen.message_id);
    await h.admin.waitForReply(/looked right/);
    const late = h.admin.pressButton('✅ Yes, send to everyone');
    expect((await h.admin.waitForAnswer(late)).text).toBe('This button is outdated: nothing was changed.');
  });

  it('an outdated go-ahead, a viewer and a stranger pressing WhatsApp buttons each get a specific answer', async () => {
    await h.admin.sendAndWait('/whatsapp', /WhatsApp/);
    const last = h.admin.lastBotMessage()!;
    // A forged confirmation (no such button was shown), then a real one for a campaign that waits for nothing.
    const forged = h.admin.pressCallbackData('wa:goy:424242:1', last.message_id);
    expect((await h.admin.waitForAnswer(forged)).text).toMatch(/This button has expired/);
    h.admin.pressCallbackData('wa:go:424242:1', last.message_id);
    await h.admin.waitForReply(/looked right/);
    const press = h.admin.pressButton('✅ Yes, send to everyone');
    expect((await h.admin.waitForAnswer(press)).text).toBe('This button is outdated: nothing was changed.');

    await h.models.Admin.create({ _id: VIEWER, role: 'viewer', name: 'Vic' });
    const viewer = h.person(VIEWER, 'Vic');
    const seen = await viewer.sendAndWait('/whatsapp', /WhatsApp/);
    expect(viewer.buttons()).toEqual([['🔄 Refresh']]);
    const v = viewer.pressCallbackData('wa:logout:yes', seen.message_id);
    expect((await viewer.waitForAnswer(v)).text).toMatch(/Viewers can see the WhatsApp connection/);
    expect(await commands()).toEqual([]);

    const stranger = h.person(STRANGER, 'Sam');
    const hello = await stranger.sendAndWait('/start');
    const s = stranger.pressCallbackData('wa:connect', hello.message_id);
    expect((await stranger.waitForAnswer(s)).text).toBe('Only admins of this bot can manage WhatsApp.');
  });

  it('a state the whatsapp role stopped reporting (process gone) is shown as offline', async () => {
    const old = new Date(Date.now() - 5 * 60_000).toISOString();
    await redis.set(
      `${prefix}wa:status`,
      JSON.stringify({ state: 'ready', account: '+49151•••••000', updatedAt: old }),
    );
    const screen = await h.admin.sendAndWait('/whatsapp', /WhatsApp/);
    expect(screen.text).toContain('no whatsapp role has reported yet');
    expect(h.admin.buttons()[0]).toContain('🔌 Connect');
  });
});
