import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WHATSAPP_MESSAGE_IDS } from '../../src/db/dispatch.repository.js';
import { createReachIndex } from '../../src/db/reach-index.js';
import { WA_ACK } from '../../src/db/receipt.repository.js';
import { readClickToken, trackingSecret } from '../../src/domain/tracking.js';
import {
  ADMIN_ID,
  addContacts,
  campaignOf,
  createWaCampaign,
  createWaEnv,
  textsTo,
  type WaEnv,
  waitFor,
  waitForStatus,
} from './helpers.js';
import { StandInClient } from './stand-in.js';

const digits = (phone: string) => phone.slice(1);

/** A pacing clock that jumps instead of waiting: the run's sleeps cost no real time. */
function virtualTime() {
  let t = Date.UTC(2026, 0, 1);
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

async function deliveries(env: WaEnv, campaignId: number) {
  return (await env.models.Delivery.find({ campaignId }).sort({ seq: 1 }).lean().exec()) as unknown as {
    recipient: string;
    phone: string;
    status: string;
    reason?: string;
    batch?: number;
    messageId?: string;
    platform: string;
    respondedAt?: Date;
    responseMs?: number;
  }[];
}

describe('WhatsApp role: campaigns through a stand-in client (real FerretDB and Redis)', () => {
  let env: WaEnv;
  beforeEach(async () => {
    env = await createWaEnv();
  });
  afterEach(async () => {
    await env.close();
  });

  it('600 recipients: 3 batches of at most 256, 50/min and 2 s between batches; numbers not on WhatsApp fail as invalid_number', async () => {
    const time = virtualTime();
    const phones = await addContacts(env, 600);
    const invalid = phones.slice(10, 13);
    const client = new StandInClient({ now: time.now, notOnWhatsApp: invalid.map(digits) });
    const role = env.role({ createClient: () => client, now: time.now, sleep: time.sleep });
    const id = await createWaCampaign(env, { settings: { maxPerMinute: 50, batchDelaySeconds: 2 } });
    await role.start();
    const done = await waitForStatus(env, id, ['published', 'failed'], 120_000);
    expect(done.status).toBe('published');
    expect(done.counters).toMatchObject({ total: 600, sent: 597, failed: 3, unknown: 0 });

    // every recipient looked up first, the message sent only to those on WhatsApp
    expect(client.lookups).toHaveLength(600);
    expect(client.sent).toHaveLength(597);
    expect(client.sent[0]?.content).toBe('Hello Contact 0, *sale* _today_!');
    expect(client.sent[0]?.options).toEqual({ linkPreview: true });

    const rows = await deliveries(env, id);
    expect(rows).toHaveLength(600);
    expect(rows.every((d) => d.platform === 'whatsapp')).toBe(true);
    expect([1, 2, 3].map((b) => rows.filter((d) => d.batch === b).length)).toEqual([256, 256, 88]);
    const failed = rows.filter((d) => d.status === 'failed');
    expect(failed.map((d) => d.phone).sort()).toEqual([...invalid].sort());
    expect(failed.every((d) => d.reason === 'invalid_number')).toBe(true);
    const contacts = await env.models.Contact.find({ phone: { $in: invalid } })
      .lean()
      .exec();
    expect(contacts.every((c) => c.valid === false)).toBe(true);

    // pacing: ≥ 1.2 s between sends, ≥ 3.2 s across a batch boundary, ≤ 50 in any minute
    const batchOf = new Map(rows.map((d) => [`${digits(d.phone)}@c.us`, d.batch]));
    const times = client.sent.map((s) => s.at);
    for (let i = 1; i < times.length; i++) {
      const crossing = batchOf.get(client.sent[i]!.to) !== batchOf.get(client.sent[i - 1]!.to);
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(crossing ? 3200 : 1200);
    }
    for (let i = 0; i + 50 < times.length; i++)
      expect(times[i + 50]! - times[i]!).toBeGreaterThanOrEqual(60_000);

    // the admin saw progress and the summary in Telegram
    await waitFor('summary', async () => textsTo(env, ADMIN_ID).some((t) => /597/.test(t) && /600/.test(t)));
  }, 300_000);

  it('links go out as per-recipient click links when PUBLIC_URL is set, and unchanged with tracking off', async () => {
    await env.close();
    env = await createWaEnv({ PUBLIC_URL: 'https://mb.example.org' });
    const time = virtualTime();
    const phones = await addContacts(env, 2);
    const client = new StandInClient({ now: time.now });
    const role = env.role({ createClient: () => client, now: time.now, sleep: time.sleep });
    const tracked = await createWaCampaign(env, { text: 'Hi [Name], see https://shop.example/sale' });
    await role.start();
    await waitForStatus(env, tracked, ['published']);
    const secret = trackingSecret(env.config.BOT_TOKEN, env.config.CLICK_SECRET);
    const texts = client.sent.map((m) => (typeof m.content === 'string' ? m.content : ''));
    const targets = texts.map((text) => {
      const token = /https:\/\/mb\.example\.org\/c\/(\S+)/.exec(text)?.[1];
      expect(text).not.toContain('shop.example');
      return token ? readClickToken(secret, token) : undefined;
    });
    expect(targets.map((t) => t?.campaignId)).toEqual([tracked, tracked]);
    expect(new Set(targets.map((t) => t?.recipient))).toEqual(new Set(phones.map((p) => `wa:${p}`)));

    const plain = await createWaCampaign(env, {
      text: 'See https://shop.example/sale',
      settings: { trackClicks: false },
    });
    await waitForStatus(env, plain, ['published']);
    expect(client.sent.slice(2).map((m) => m.content)).toEqual([
      'See https://shop.example/sale',
      'See https://shop.example/sale',
    ]);
  }, 60_000);

  it('acks move deliveries to delivered and read, ACK_ERROR fails one; with tracking off they are ignored', async () => {
    const time = virtualTime();
    const phones = await addContacts(env, 3);
    const client = new StandInClient({ now: time.now });
    const role = env.role({ createClient: () => client, now: time.now, sleep: time.sleep });
    const tracked = await createWaCampaign(env);
    await role.start();
    await waitForStatus(env, tracked, ['published']);
    const [a, b, c] = client.sent;
    // Receipts find their delivery through the message id links written with the outcomes; one sent
    // before links were kept (no link) is found by its messageId field.
    const links = env.models.Campaign.db.collection(WHATSAPP_MESSAGE_IDS);
    expect(await links.countDocuments({ campaignId: tracked })).toBe(3);
    await links.deleteOne({ _id: c!.id as never });
    client.ack(a!.id, WA_ACK.SERVER);
    client.ack(a!.id, WA_ACK.DEVICE);
    client.ack(b!.id, WA_ACK.READ);
    client.ack(c!.id, WA_ACK.ERROR);
    await waitFor('acks applied', async () => {
      const rows = await deliveries(env, tracked);
      return rows.filter((d) => d.status !== 'sent').length === 3 ? rows : null;
    });
    // a late DEVICE ack never moves `read` back
    client.ack(b!.id, WA_ACK.DEVICE);
    await new Promise((r) => setTimeout(r, 300));
    const byMessage = new Map((await deliveries(env, tracked)).map((d) => [d.messageId, d]));
    expect(byMessage.get(a!.id)?.status).toBe('delivered');
    expect(byMessage.get(b!.id)?.status).toBe('read');
    expect(byMessage.get(c!.id)).toMatchObject({ status: 'failed', reason: 'platform_restriction' });

    const untracked = await createWaCampaign(env, { settings: { trackDelivery: false, trackRead: false } });
    await waitForStatus(env, untracked, ['published']);
    const later = client.sent.slice(3);
    expect(later).toHaveLength(3);
    client.ack(later[0]!.id, WA_ACK.DEVICE);
    client.ack(later[1]!.id, WA_ACK.READ);
    await new Promise((r) => setTimeout(r, 500));
    expect((await deliveries(env, untracked)).map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
    expect(phones).toHaveLength(3);
  }, 60_000);

  it('a reply counts as the campaign response (with its response time) and reaches the onReply hook; STOP / СТОП opt out and confirm', async () => {
    const time = virtualTime();
    const phones = await addContacts(env, 3);
    const client = new StandInClient({ now: time.now });
    const hooked: { text: string; campaignId?: number }[] = [];
    const role = env.role({
      createClient: () => client,
      now: time.now,
      sleep: time.sleep,
      onReply: async (reply, recorded) => {
        // A slow answer to the voice message must not let the photo after it overtake it.
        if (reply.media === 'voice') await new Promise((r) => setTimeout(r, 200));
        hooked.push({ text: reply.text, ...(recorded ? { campaignId: recorded.campaignId } : {}) });
        return reply.text.includes('price') ? 'Our price list: https://shop.example/prices' : null;
      },
    });
    const id = await createWaCampaign(env);
    await role.start();
    await waitForStatus(env, id, ['published']);
    const sentBefore = client.sent.length;
    // The role linked each contact to this delivery for their replies (the reach index).
    const reach = createReachIndex(env.redis, { database: env.models.Campaign.db.name, ttlMs: 1 });
    expect((await reach.latest(`wa:${phones[0]}`)).link).toMatchObject({ campaignId: id, run: 1 });

    client.incoming(digits(phones[0]!), 'What is the price?', new Date(Date.now() + 1000));
    await waitFor('response recorded', async () => (await deliveries(env, id)).find((d) => d.respondedAt));
    const answered = (await deliveries(env, id)).find((d) => d.phone === phones[0]);
    expect(answered?.responseMs).toBeGreaterThan(0);
    expect(hooked).toEqual([{ text: 'What is the price?', campaignId: id }]);
    await waitFor('auto reply sent', async () => client.sent.length === sentBefore + 1);
    expect(client.sent.at(-1)).toMatchObject({
      to: `${digits(phones[0]!)}@c.us`,
      content: 'Our price list: https://shop.example/prices',
    });

    // A voice message and a captioned photo are replies too; a deleted-message notice is not.
    // Messages from one sender are handled in the order they came.
    client.incoming(digits(phones[0]!), '', new Date(Date.now() + 2000), 'ptt');
    client.incoming(digits(phones[0]!), 'This one?', new Date(Date.now() + 3000), 'image');
    client.incoming(digits(phones[0]!), '', new Date(Date.now() + 4000), 'revoked');
    const replies = await waitFor('media replies recorded', async () => {
      const rows = await env.services.responses.list(id);
      return rows.length === 3 ? rows : null;
    });
    expect(replies.map((r) => [r.media ?? null, r.text])).toEqual([
      ['photo', 'This one?'],
      ['voice', ''],
      [null, 'What is the price?'],
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await env.services.responses.list(id)).toHaveLength(3);
    expect(hooked.map((h) => h.text)).toEqual(['What is the price?', '', 'This one?']);

    client.incoming(digits(phones[1]!), 'STOP');
    client.incoming(digits(phones[2]!), 'Стоп!');
    await waitFor('opt-outs', async () => {
      const n = await env.models.Contact.countDocuments({ phone: { $in: phones.slice(1) }, optedOut: true });
      return n === 2 && client.sent.length === sentBefore + 3;
    });
    const confirmations = client.sent.slice(-2).map((s) => [s.to, s.content]);
    expect(confirmations).toEqual(
      expect.arrayContaining([
        [`${digits(phones[1]!)}@c.us`, env.translate('en', 'whatsapp-optout-confirmed')],
        [`${digits(phones[2]!)}@c.us`, env.translate('ru', 'whatsapp-optout-confirmed')],
      ]),
    );
    // STOP is not a response, and nobody opted out is sent to again
    expect(hooked).toHaveLength(3);
    const again = await createWaCampaign(env);
    await waitForStatus(env, again, ['published']);
    expect((await deliveries(env, again)).map((d) => d.phone)).toEqual([phones[0]]);
  }, 60_000);

  it("an outbox (admins' answers queued by training) is sent to single contacts; a number not on WhatsApp is reported as not sent", async () => {
    const client = new StandInClient({ notOnWhatsApp: ['4915199999999'] });
    const queue = [
      { id: 'a1', phone: '+4915123456789', text: 'Yes, we ship to Berlin.' },
      { id: 'a2', phone: '+4915199999999', text: 'Nobody reads this' },
    ];
    const outcomes: [string, boolean][] = [];
    const role = env.role({
      createClient: () => client,
      outbox: {
        next: async () => queue.shift() ?? null,
        sent: async (id, ok) => {
          outcomes.push([id, ok]);
        },
      },
    });
    await role.start();
    await waitFor('outbox drained', async () => outcomes.length === 2);
    expect(outcomes).toEqual([
      ['a1', true],
      ['a2', false],
    ]);
    expect(client.sent.map((s) => [s.to, s.content])).toEqual([
      ['4915123456789@c.us', 'Yes, we ship to Berlin.'],
    ]);
  }, 30_000);

  it('disconnected mid-run: the run pauses where it stopped, the admin is told, the client destroyed; the rest stays pending', async () => {
    const time = virtualTime();
    await addContacts(env, 20);
    const client = new StandInClient({ now: time.now });
    const send = client.sendMessage.bind(client);
    client.sendMessage = async (...args) => {
      const r = await send(...args);
      if (client.sent.length === 5) client.emit('disconnected', 'NAVIGATION');
      return r;
    };
    const role = env.role({ createClient: () => client, now: time.now, sleep: time.sleep });
    const id = await createWaCampaign(env);
    await role.start();
    const paused = await waitForStatus(env, id, ['paused']);
    expect(paused.pauseReason).toBe('whatsapp_disconnected');
    expect(client.sent.length).toBeGreaterThanOrEqual(5);
    expect(client.sent.length).toBeLessThanOrEqual(6);
    expect(client.destroyed).toBeGreaterThanOrEqual(1);
    const rows = await deliveries(env, id);
    expect(rows.length).toBe(client.sent.length);
    expect(rows.every((d) => d.status === 'sent')).toBe(true);
    await waitFor('admin told', async () =>
      textsTo(env, ADMIN_ID).some((t) => t.includes(env.translate('en', 'whatsapp-reason-disconnected'))),
    );
    expect(role.session.state()).toBe('disconnected');
  }, 60_000);

  it('a client that cannot start: state failed, admins told, due campaigns paused with the reason', async () => {
    const client = new StandInClient({
      onInitialize: new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/'),
    });
    await addContacts(env, 2);
    const id = await createWaCampaign(env);
    const role = env.role({ createClient: () => client });
    await role.start();
    const paused = await waitForStatus(env, id, ['paused']);
    expect(paused.pauseReason).toBe('whatsapp_no_network');
    expect(role.session.state()).toBe('failed');
    expect(client.destroyed).toBeGreaterThanOrEqual(1);
    expect(client.sent).toHaveLength(0);
    const reason = env.translate('en', 'whatsapp-reason-no_network');
    await waitFor('admins told', async () => {
      const texts = textsTo(env, ADMIN_ID);
      // the connection failure, and the campaign paused because of it
      return (
        texts.some((t) => t.includes(reason) && !t.includes(`#${id}`)) &&
        texts.some((t) => t.includes(`#${id}`) && t.includes(reason))
      );
    });
  }, 30_000);

  it('back online after a failed start: the admin is offered to resume the paused campaign (with a confirming button); it stays paused until then', async () => {
    const clients = [
      new StandInClient({
        onInitialize: new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/'),
      }),
      new StandInClient(),
    ];
    await addContacts(env, 2);
    const id = await createWaCampaign(env);
    const role = env.role({ createClient: () => clients.shift() ?? new StandInClient() });
    await role.start();
    await waitForStatus(env, id, ['paused']);
    expect(
      env.emulator.messagesIn(ADMIN_ID).some((m) => JSON.stringify(m.reply_markup ?? {}).includes(':re')),
    ).toBe(false);

    await role.session.connect(ADMIN_ID);
    await waitFor('WhatsApp ready', async () => role.session.ready());
    const offer = await waitFor('resume offered', async () =>
      env.emulator
        .messagesIn(ADMIN_ID)
        .find((m) => JSON.stringify(m.reply_markup ?? {}).includes(`camp:wa:a:${id}:p:re`)),
    );
    expect('text' in offer && offer.text).toContain(`(#${id}): not started yet`);
    expect((await campaignOf(env, id)).status).toBe('paused');
  }, 30_000);

  it('media: the Telegram file is downloaded once and sent as MessageMedia with the caption in WhatsApp markup', async () => {
    const time = virtualTime();
    await addContacts(env, 2);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const file = env.emulator.storeFile('photo', 'promo.png', 'image/png', png);
    const client = new StandInClient({ now: time.now });
    const role = env.role({ createClient: () => client, now: time.now, sleep: time.sleep });
    const id = await createWaCampaign(env, {
      text: '*Big* sale for [Name]',
      media: {
        kind: 'photo',
        fileId: file.file_id,
        mime: 'image/png',
        size: png.length,
        fileName: 'promo.png',
      },
    });
    await role.start();
    await waitForStatus(env, id, ['published']);
    expect(client.sent).toHaveLength(2);
    expect(client.sent[0]?.content).toEqual({
      media: { kind: 'photo', mime: 'image/png', data: png.toString('base64'), fileName: 'promo.png' },
    });
    expect(client.sent[0]?.options).toEqual({ caption: '*Big* sale for Contact 0' });
    expect(env.emulator.callsOf('getFile')).toHaveLength(1);
  }, 60_000);

  it('retry resends only the failed deliveries, in the same run', async () => {
    const time = virtualTime();
    const phones = await addContacts(env, 3);
    const client = new StandInClient({ now: time.now, notOnWhatsApp: phones.map(digits) });
    const role = env.role({ createClient: () => client, now: time.now, sleep: time.sleep });
    const id = await createWaCampaign(env);
    await role.start();
    const failed = await waitForStatus(env, id, ['failed']);
    expect(failed.counters).toMatchObject({ total: 3, sent: 0, failed: 3 });
    // the numbers joined WhatsApp since
    client.notOnWhatsApp.clear();
    await env.services.campaigns.retry(id, ADMIN_ID);
    const done = await waitForStatus(env, id, ['published']);
    expect(done.run).toBe(failed.run);
    expect(done.counters).toMatchObject({ total: 3, sent: 3, failed: 0 });
    expect(client.sent).toHaveLength(3);
    expect((await deliveries(env, id)).map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
  }, 60_000);

  it('an outcome that cannot be written at once (Redis or MongoDB away for a moment) is written later: nothing unknown, nothing twice', async () => {
    const time = virtualTime();
    const phones = await addContacts(env, 3);
    const client = new StandInClient({ now: time.now });
    const real = createReachIndex(env.redis, { database: env.models.Campaign.db.name, ttlMs: 60_000 });
    let failures = 0;
    const reach = {
      ...real,
      // The second outcome's write fails twice, as while Redis restarts.
      async record(links: Parameters<typeof real.record>[0]) {
        if (links.some((l) => l.recipient === `wa:${phones[1]}`) && failures < 2) {
          failures++;
          throw new Error('connect ECONNREFUSED');
        }
        return real.record(links);
      },
    };
    const role = env.role({ createClient: () => client, now: time.now, sleep: time.sleep, reach });
    const id = await createWaCampaign(env);
    await role.start();
    const done = await waitForStatus(env, id, ['published']);
    expect(failures).toBe(2);
    expect(done.counters).toMatchObject({ total: 3, sent: 3, failed: 0, unknown: 0 });
    expect(client.sent.map((m) => m.to).sort()).toEqual(phones.map((p) => `${digits(p)}@c.us`).sort());
    expect((await deliveries(env, id)).map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);
  }, 60_000);

  it('takeover after a lost lease (a crash): the message in flight becomes unknown and is never resent, the rest is sent once', async () => {
    const time = virtualTime();
    const phones = await addContacts(env, 8);
    const first = new StandInClient({ now: time.now });
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const send = first.sendMessage.bind(first);
    let calls = 0;
    first.sendMessage = async (...args) => {
      calls++;
      if (calls === 3) await held; // the third call never comes back while the process "hangs"
      return send(...args);
    };
    const a = env.role({ createClient: () => first, now: time.now, sleep: time.sleep });
    const id = await createWaCampaign(env);
    await a.start();
    await waitFor('third call under way', async () => calls === 3);

    // the process is considered dead: its lease expires and another whatsapp role takes over
    await env.models.Campaign.updateOne({ _id: id }, { $set: { 'lease.expiresAt': new Date(0) } });
    const second = new StandInClient({ now: time.now });
    const b = env.role({ createClient: () => second, now: time.now, sleep: time.sleep });
    await b.start();
    const done = await waitForStatus(env, id, ['published']);
    release();
    await a.stop();

    expect(done.counters).toMatchObject({ total: 8, sent: 7, unknown: 1 });
    const rows = await deliveries(env, id);
    expect(rows.find((d) => d.status === 'unknown')?.phone).toBe(phones[2]);
    const reached = [...first.sent, ...second.sent].map((s) => s.to);
    expect(new Set(reached).size).toBe(reached.length);
    expect(second.sent.map((s) => s.to)).toEqual(phones.slice(3).map((p) => `${digits(p)}@c.us`));
  }, 60_000);

  it('send test message first: to the admin test number, then paused until the go-ahead; an outdated go-ahead changes nothing', async () => {
    const time = virtualTime();
    const phones = await addContacts(env, 4);
    const client = new StandInClient({ now: time.now });
    const role = env.role({ createClient: () => client, now: time.now, sleep: time.sleep });
    const id = await createWaCampaign(env, { settings: { sendTestFirst: true } });
    await role.start();

    // no test number yet
    const noPhone = await waitForStatus(env, id, ['paused']);
    expect(noPhone.pauseReason).toBe('no_test_phone');
    expect(client.sent).toHaveLength(0);
    await env.services.whatsapp.setTestPhone(ADMIN_ID, '+49 151 23456789');

    await env.models.Campaign.updateOne(
      { _id: id },
      { $set: { status: 'sending' }, $unset: { pauseReason: 1 } },
    );
    const waiting = await waitForStatus(env, id, ['paused']);
    await waitFor(
      'awaiting approval',
      async () => (await campaignOf(env, id)).pauseReason === 'awaiting_test_approval',
    );
    expect(client.sent.map((s) => s.to)).toEqual(['4915123456789@c.us']);
    expect(await env.models.Delivery.countDocuments({ campaignId: id })).toBe(0);
    const withButton = await waitFor('go-ahead button', async () =>
      env.emulator
        .messagesIn(ADMIN_ID)
        .find((m) => JSON.stringify(m.reply_markup ?? {}).includes(`wa:go:${id}:`)),
    );
    expect(JSON.stringify(withButton.reply_markup)).toContain(`wa:go:${id}:${waiting.run}`);

    expect(await env.services.whatsapp.approveTest(id, waiting.run + 1)).toBe(false);
    expect(await env.services.whatsapp.approveTest(id, waiting.run)).toBe(true);
    expect(await env.services.whatsapp.approveTest(id, waiting.run)).toBe(false);
    const done = await waitForStatus(env, id, ['published']);
    expect(done.counters.sent).toBe(4);
    expect(
      client.sent
        .map((s) => s.to)
        .slice(1)
        .sort(),
    ).toEqual(phones.map((p) => `${digits(p)}@c.us`).sort());
  }, 60_000);
});
