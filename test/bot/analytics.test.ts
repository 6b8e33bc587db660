import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { type Handler, type HttpServer, startHttpServer } from '../../src/http/server.js';
import { trackingRoutes } from '../../src/http/tracking.routes.js';
import {
  addSubscribers,
  createCampaign,
  createTranslate,
  type Env,
  startDispatcher,
  stopDispatchers,
  waitForStatus,
} from '../dispatch/helpers.js';
import { ADMIN_ID, type BotHarness, startBotHarness } from '../support/bot-harness.js';
import { testLogger, uniqueName } from '../support/services.js';

/** FerretDB's SQLite backend scans every delivery for each figure set: a stats screen takes a moment. */
const SLOW = 20_000;
const PNG_SIGNATURE = '89504e470d0a1a0a';

interface Sent {
  method: string;
  params: {
    text?: string;
    entities?: { type: string; url?: string }[];
    reply_markup?: { inline_keyboard: { text: string; url?: string }[][] };
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `12.3%` the way the card rounds: one decimal, no trailing `.0`. */
const pctOf = (part: number, whole: number) => {
  const v = whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
  return `${Number.isInteger(v) ? v : v.toFixed(1)}%`;
};

describe('analytics: click tracking, figures from the deliveries, charts and CSV', () => {
  let h: BotHarness;
  let http: HttpServer;
  let env: Env;
  let campaignId: number;
  let subs: number[];
  const routes: Record<string, Handler> = {};
  const get = (url: string, ua = 'Mozilla/5.0 (test)') =>
    fetch(url, { redirect: 'manual', headers: { 'user-agent': ua } });

  /** The tracked links a subscriber got: [text link, bare URL, button]. */
  function linksOf(chatId: number): [string, string, string] {
    const call = h.emulator.sentTo(chatId).find((c) => c.method === 'sendMessage') as Sent | undefined;
    if (!call) throw new Error(`nothing was sent to ${chatId}`);
    const textLink = call.params.entities?.find((e) => e.type === 'text_link')?.url ?? '';
    const bare = /http:\/\/127\.0\.0\.1:\d+\/c\/[\w.-]+/.exec(call.params.text ?? '')?.[0] ?? '';
    const button = call.params.reply_markup?.inline_keyboard[0]?.[0]?.url ?? '';
    return [textLink, bare, button];
  }

  const deliveryOf = (chatId: number) =>
    h.models.Delivery.findOne({ campaignId, recipient: `tg:${chatId}` })
      .lean()
      .exec();

  beforeAll(async () => {
    // The http role first: its port is the PUBLIC_URL the dispatcher rewrites links to.
    http = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: testLogger,
      health: async () => ({}),
      routes,
    });
    h = await startBotHarness({ PUBLIC_URL: `http://127.0.0.1:${http.port}` });
    Object.assign(routes, trackingRoutes(h.services.tracking, testLogger));
    env = {
      db: h.db,
      redis: h.redis,
      models: h.models,
      emulator: h.emulator,
      translate: createTranslate(),
      config: (overrides = {}) =>
        ({
          ...h.config,
          TELEGRAM_GLOBAL_RATE: 500,
          SCHEDULER_TICK_MS: 100,
          LEASE_SECONDS: 5,
          SEND_MAX_ATTEMPTS: 2,
          DISPATCHER_ID: uniqueName('d'),
          ...overrides,
        }) as Config,
      close: async () => {},
    };

    // Eight subscribers: one has blocked the bot, one chat no longer exists (two failures).
    subs = await addSubscribers(env, 8, 'Reader');
    h.emulator.setBlocked(subs[6]!, 'blocked');
    const missing = -1_009_777_000_001;
    await h.models.Chat.create({ _id: missing, type: 'group', title: 'Gone' });
    campaignId = await createCampaign(env, {
      name: 'Weekend Special Offer',
      text: 'Hi [Name]! Shop [here](https://shop.example/sale?x=1) or at https://shop.example/b today.',
      audience: { directSubscriberIds: subs, groupIds: [missing] },
      startedBy: ADMIN_ID,
    });
    await h.models.Campaign.updateOne(
      { _id: campaignId },
      { $set: { 'message.buttons': [[{ text: 'Open the shop', url: 'https://shop.example/button' }]] } },
    );
    const dispatcher = startDispatcher(env);
    await dispatcher.start();
    await waitForStatus(env, campaignId, ['published']);
    await dispatcher.stop();
  }, 60_000);

  afterAll(async () => {
    await stopDispatchers();
    await http?.stop();
    await h?.stop();
  });

  it('rewrites every link per recipient to the redirect, which answers 302 to the original at once', async () => {
    const [textLink, bare, button] = linksOf(subs[0]!);
    const base = `http://127.0.0.1:${http.port}/c/`;
    for (const link of [textLink, bare, button]) expect(link.startsWith(base)).toBe(true);
    // Another recipient gets other tokens.
    expect(linksOf(subs[1]!)[0]).not.toBe(textLink);

    const expected = [
      'https://shop.example/sale?x=1',
      'https://shop.example/b',
      'https://shop.example/button',
    ];
    for (const [i, link] of [textLink, bare, button].entries()) {
      const res = await get(link ?? '');
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(expected[i]);
    }
    // A forged or truncated token is refused, not redirected.
    expect((await get(`${base}${textLink.slice(base.length, -3)}xyz`)).status).toBe(404);
  });

  it('counts a recipient who clicks five times as one click, and keeps the repeats apart', async () => {
    const [textLink] = linksOf(subs[1]!);
    for (let i = 0; i < 5; i++) expect((await get(textLink)).status).toBe(302);
    const d = await until('five clicks stored', async () => {
      const doc = await deliveryOf(subs[1]!);
      return doc?.clicks === 5 ? doc : undefined;
    });
    expect(d.clickedAt).toBeInstanceOf(Date);
    const once = await h.db.conn
      .collection('link_clicks')
      .countDocuments({ campaignId, recipient: `tg:${subs[1]}` });
    expect(once).toBe(1);

    // Five at the same instant: still one.
    const [, bare] = linksOf(subs[2]!);
    await Promise.all(Array.from({ length: 5 }, () => get(bare)));
    await until('concurrent clicks stored', async () =>
      (await deliveryOf(subs[2]!))?.clicks === 5 ? true : undefined,
    );
    expect(await h.db.conn.collection('link_clicks').countDocuments({ recipient: `tg:${subs[2]}` })).toBe(1);

    // Telegram's link-preview robot is redirected but never counted.
    const [, , button] = linksOf(subs[3]!);
    expect((await get(button, 'TelegramBot (like TwitterBot)')).status).toBe(302);
    await new Promise((r) => setTimeout(r, 300));
    expect((await deliveryOf(subs[3]!))?.clickedAt).toBeUndefined();
  });

  it('shows on the card exactly the figures the deliveries in the database give', async () => {
    // A read receipt as a messenger with receipts would record it.
    await h.models.Delivery.updateOne(
      { campaignId, recipient: `tg:${subs[4]}` },
      { $set: { status: 'read', readAt: new Date() } },
    );
    const all = await h.models.Delivery.find({ campaignId }).lean().exec();
    const sent = all.filter((d) =>
      ['sent', 'delivered', 'read', 'failed', 'unknown'].includes(d.status),
    ).length;
    const delivered = all.filter((d) => ['sent', 'delivered', 'read'].includes(d.status)).length;
    const failed = all.filter((d) => d.status === 'failed').length;
    const clicked = all.filter((d) => d.clickedAt).length;
    const repeats = all.reduce((n, d) => n + (d.clicks ?? 0), 0);
    expect([sent, delivered, failed, clicked]).toEqual([9, 7, 2, 3]);

    const card = await h.admin.sendAndWait(
      `/stats ${campaignId}`,
      /Campaign #\d+: Weekend Special Offer/,
      SLOW,
    );
    for (const line of [
      `Sent: ${sent} messages`,
      `Delivered: ${delivered} (${pctOf(delivered, sent)})`,
      `Failed: ${failed} (${pctOf(failed, sent)})`,
      `Clicks on tracked links: ${clicked} (${pctOf(clicked, sent)})`,
      `Clicks in total, repeats included: ${repeats}`,
      'Views: not available (the Bot API does not report them)',
      'Shares: not available (the Bot API does not report them)',
      'Reactions: 0 (in groups and channels where the bot is an admin)',
      `Blocked contact: 1`,
      `Chat not found: 1`,
      `Click-through rate: ${pctOf(clicked, sent)}`,
      `Click tracking: on. Links go through http://127.0.0.1:${http.port}`,
    ]) {
      expect(card.text).toContain(line);
    }
    expect(card.text).toMatch(/Updated \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it('records a conversion once, from the goal link and from the webhook', async () => {
    await h.admin.sendAndWait(`/stats ${campaignId}`, /Weekend Special Offer/, SLOW);
    await h.admin.pressAndWait('🎯 Goal page', /Send the address of the page/);
    await h.admin.sendAndWait('not a url', /is not a web address/);
    await h.admin.sendAndWait(
      'https://shop.example/thanks',
      /Goal page of campaign #\d+: https:\/\/shop\.example\/thanks/,
    );

    const [textLink] = linksOf(subs[0]!);
    const location = (await get(textLink)).headers.get('location') ?? '';
    const goal = new URL(location).searchParams.get('mb_goal');
    expect(location.startsWith('https://shop.example/sale?x=1&mb_goal=')).toBe(true);

    const hit = await get(`http://127.0.0.1:${http.port}/g/${goal}`);
    expect(hit.status).toBe(302);
    expect(hit.headers.get('location')).toBe('https://shop.example/thanks');
    const again = await fetch(`http://127.0.0.1:${http.port}/g`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: goal }),
    });
    expect(await again.json()).toEqual({ ok: true, first: false });
    const bad = await fetch(`http://127.0.0.1:${http.port}/g`, { method: 'POST', body: 'token=nope' });
    expect(bad.status).toBe(400);

    expect((await deliveryOf(subs[0]!))?.convertedAt).toBeInstanceOf(Date);
    expect(await h.db.conn.collection('goal_hits').countDocuments({ campaignId })).toBe(1);
    const card = await h.admin.sendAndWait(`/stats ${campaignId}`, /Weekend Special Offer/, SLOW);
    expect(card.text).toContain(`Conversion rate: ${pctOf(1, 9)}`);
  });

  it('sends the funnel and the sends/clicks chart as PNG photos, and the deliveries as CSV', async () => {
    await h.admin.sendAndWait(`/stats ${campaignId}`, /Weekend Special Offer/, SLOW);
    const before = h.emulator.callsOf('sendPhoto').length;
    const actionsBefore = h.emulator.callsOf('sendChatAction').length;
    h.admin.pressButton('📈 Charts');
    const photos = await until(
      'two charts',
      async () => {
        const calls = h.emulator.callsOf('sendPhoto').slice(before);
        return calls.length >= 2 ? calls : undefined;
      },
      SLOW,
    );
    for (const call of photos) {
      expect(call.chatId).toBe(ADMIN_ID);
      expect(call.response.ok).toBe(true);
      const png = call.files[0]!.content;
      expect(png.subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
      expect(png.length).toBeGreaterThan(5_000);
    }

    h.admin.pressButton('📄 Export CSV');
    const doc = await until('the CSV', async () => h.emulator.callsOf('sendDocument').at(-1), SLOW);
    // The chat shows "sending photo…" while the charts upload, "sending file…" for the CSV.
    const actions = h.emulator.callsOf('sendChatAction').slice(actionsBefore);
    expect(actions.map((a) => a.params.action)).toEqual(
      expect.arrayContaining(['upload_photo', 'upload_document']),
    );
    expect(actions.every((a) => a.chatId === ADMIN_ID)).toBe(true);
    const csv = doc.files[0]!.content.toString('utf8').replace(/^\ufeff/, '');
    const lines = csv.trimEnd().split('\r\n');
    const count = await h.models.Delivery.countDocuments({ campaignId });
    expect(lines.length - 1).toBe(count);
    expect(lines[0]).toContain('recipient,name,status,failure reason');
    expect(lines.filter((l) => l.includes(',failed,blocked,'))).toHaveLength(1);
    expect(String(doc.params.caption)).toContain(`${count} deliveries`);
  });

  it('sends links unchanged when tracking is off, and shows each run of a recurring campaign', async () => {
    const id = await createCampaign(env, {
      name: 'Untracked Weekly',
      text: 'Plain [link](https://shop.example/plain) and https://shop.example/bare',
      audience: { directSubscriberIds: subs.slice(0, 3) },
      settings: { trackClicks: false },
      startedBy: ADMIN_ID,
    });
    const dispatcher = startDispatcher(env);
    await dispatcher.start();
    await waitForStatus(env, id, ['published']);
    await dispatcher.stop();
    const call = h.emulator
      .sentTo(subs[0]!)
      .filter((c) => c.method === 'sendMessage')
      .at(-1) as Sent;
    expect(call.params.text).toBe('Plain link and https://shop.example/bare');
    expect(call.params.entities?.find((e) => e.type === 'text_link')?.url).toBe('https://shop.example/plain');

    // A second run, as the next occurrence of a recurring campaign leaves it.
    const at = new Date('2026-06-12T08:00:00Z');
    await h.models.Delivery.insertMany(
      [0, 1].map((i) => ({
        campaignId: id,
        run: 2,
        seq: i,
        platform: 'telegram',
        recipient: `tg:${subs[i]}`,
        status: 'sent',
        sentAt: at,
        ...(i === 0 ? { clickedAt: at, clicks: 1 } : {}),
      })),
    );
    await h.models.Campaign.updateOne(
      { _id: id },
      { $push: { runs: { run: 2, startedAt: at, total: 2, sent: 2, failed: 0, unknown: 0 } } },
    );
    await h.services.admins.setTimeZone(ADMIN_ID, 'Europe/Berlin');
    const card = await h.admin.sendAndWait(`/stats ${id}`, /Untracked Weekly/, SLOW);
    expect(card.text).toContain('Sent: 5 messages');
    expect(card.text).toContain('Click tracking: off for this campaign');
    expect(card.text).toMatch(
      /Run 1 · \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Berlin: sent 3 · delivered 3 · clicked 0 \(0%\)/,
    );
    expect(card.text).toContain(
      'Run 2 · 2026-06-12 10:00 Europe/Berlin: sent 2 · delivered 2 · clicked 1 (50%)',
    );
    expect(card.text).toMatch(/Updated \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Berlin/);

    // Turning tracking back on from the card.
    await h.admin.pressAndWait('🔗 Turn click tracking on', /Click tracking: on\./, { timeoutMs: SLOW });
    expect((await h.models.Campaign.findById(id).lean())?.settings).toMatchObject({ trackClicks: true });
    await h.services.admins.setTimeZone(ADMIN_ID, 'UTC');
  });

  it('shows totals over a period and the top campaigns by click-through, and answers an unknown id', async () => {
    const overview = await h.admin.sendAndWait('/stats', /Overview · last 30 days/, SLOW);
    expect(overview.text).toContain('Top campaigns by click-through');
    expect(overview.text).toContain(`1. #${campaignId} Weekend Special Offer — ${pctOf(3, 9)} (3 of 9)`);
    expect(h.admin.buttons(overview.message_id)[0]).toEqual(['7 days', '• 30 days', 'All time']);
    await h.admin.pressAndWait('7 days', /Overview · last 7 days/, { timeoutMs: SLOW });
    await h.admin.pressAndWait('All time', /Overview · all time/, { timeoutMs: SLOW });
    h.admin.pressCallbackData('stats:g:987654', overview.message_id);
    const answer = await until('the answer', async () => {
      const calls = h.emulator.callsOf('answerCallbackQuery');
      const last = calls.at(-1);
      return last && String(last.params.text ?? '').includes('987654') ? last : undefined;
    });
    expect(answer.params.text).toBe('There is no campaign #987654. Send /stats to choose from the list.');
  });
});
