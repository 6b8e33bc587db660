import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  InvalidNumberError,
  PermanentSendError,
  WhatsAppUnavailableError,
} from '../../src/dispatch/errors.js';
import { createWhatsAppMessenger } from '../../src/dispatch/messengers/whatsapp.messenger.js';
import { createWhatsAppRenderer, Pacer } from '../../src/dispatch/whatsapp-run.js';
import { batchNumberFor } from '../../src/domain/batches.js';
import { StandInClient } from './stand-in.js';

describe('WhatsApp messenger (against a stand-in client)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('converts the formatting to WhatsApp markup and fills [Name]', () => {
    const render = createWhatsAppRenderer({
      text: 'Hi [Name]! *Bold* _italic_ ~gone~ `code` and [our shop](https://shop.example)',
    });
    expect(render('Anna')).toBe(
      'Hi Anna! *Bold* _italic_ ~gone~ ```code``` and our shop (https://shop.example)',
    );
    // a name with markers stays literal
    expect(render('*Bob*')).toBe(
      'Hi *Bob*! *Bold* _italic_ ~gone~ ```code``` and our shop (https://shop.example)',
    );
  });

  it('fills campaign-wide placeholders once', () => {
    const render = createWhatsAppRenderer({ text: 'Use [CODE] today', placeholders: { CODE: 'SAVE20' } });
    expect(render('x')).toBe('Use SAVE20 today');
  });

  it('sends text with the link preview option, media as MessageMedia with the caption', async () => {
    const client = new StandInClient();
    const messenger = createWhatsAppMessenger(client);
    const to = await messenger.numberId('+4915112345678');
    expect(to).toBe('4915112345678@c.us');
    expect(client.lookups).toEqual(['4915112345678']);

    await messenger.send(to, { text: '*Sale*' }, { linkPreview: false });
    expect(client.sent[0]).toMatchObject({ to, content: '*Sale*', options: { linkPreview: false } });

    const media = { kind: 'photo' as const, mime: 'image/png', data: 'iVBORw0KGgo=', fileName: 'promo.png' };
    const { messageId } = await messenger.send(to, { text: 'Look _now_', media }, { linkPreview: true });
    expect(messageId).toMatch(/^true_/);
    expect(client.sent[1]?.content).toEqual({ media });
    expect(client.sent[1]?.options).toEqual({ caption: 'Look _now_' });

    // media only: no caption at all
    await messenger.send(to, { text: '', media }, { linkPreview: true });
    expect(client.sent[2]?.options).toEqual({});
  });

  it('a number not on WhatsApp is an InvalidNumberError (reason invalid_number)', async () => {
    const client = new StandInClient({ notOnWhatsApp: ['15550000000'] });
    const messenger = createWhatsAppMessenger(client);
    const err = await messenger.numberId('+15550000000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidNumberError);
    expect((err as InvalidNumberError).reason).toBe('invalid_number');
    expect(client.sent).toHaveLength(0);
  });

  it('maps a closed browser to WhatsAppUnavailableError, other refusals to a permanent failure', async () => {
    const client = new StandInClient();
    const messenger = createWhatsAppMessenger(client);
    client.failSends.push(new Error('Protocol error (Runtime.callFunctionOn): Session closed.'));
    client.failSends.push('Evaluation failed: weird');
    const gone = await messenger
      .send('1@c.us', { text: 'x' }, { linkPreview: true })
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(WhatsAppUnavailableError);
    expect((gone as WhatsAppUnavailableError).cause_).toBe('disconnected');
    const refused = await messenger
      .send('1@c.us', { text: 'x' }, { linkPreview: true })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermanentSendError);
  });

  it('never hangs: a call that does not answer times out', async () => {
    vi.useFakeTimers();
    const client = new StandInClient();
    client.getNumberId = () => new Promise(() => {});
    const messenger = createWhatsAppMessenger(client, { timeoutMs: 30_000 });
    const result = messenger.numberId('+4915112345678').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(30_000);
    const err = await result;
    expect(err).toBeInstanceOf(WhatsAppUnavailableError);
    expect((err as WhatsAppUnavailableError).cause_).toBe('timeout');
  });

  it('refuses at once while the client is not connected', async () => {
    const client = new StandInClient();
    const messenger = createWhatsAppMessenger(client, { connected: () => false });
    await expect(messenger.numberId('+4915112345678')).rejects.toBeInstanceOf(WhatsAppUnavailableError);
    expect(client.lookups).toHaveLength(0);
  });

  it('600 recipients: 3 batches of at most 256, the per-minute limit and the batch delay honoured (fake timers)', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const client = new StandInClient();
    const messenger = createWhatsAppMessenger(client);
    const perMinute = 50;
    const delayMs = 2000;
    const pacer = new Pacer(perMinute, delayMs);
    const batches: number[] = [];
    const loop = (async () => {
      for (let seq = 0; seq < 600; seq++) {
        const batch = batchNumberFor(seq);
        const wait = pacer.waitFor(batch);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        pacer.sent(batch);
        batches.push(batch);
        await messenger.send(`${seq}@c.us`, { text: 'hi' }, { linkPreview: true });
      }
    })();
    await vi.runAllTimersAsync();
    await loop;

    expect(client.sent).toHaveLength(600);
    const sizes = [1, 2, 3].map((b) => batches.filter((x) => x === b).length);
    expect(sizes).toEqual([256, 256, 88]);
    const times = client.sent.map((s) => s.at);
    const gap = 60_000 / perMinute;
    for (let i = 1; i < times.length; i++) {
      const expected = batches[i] !== batches[i - 1] ? gap + delayMs : gap;
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(expected);
    }
    // never more than `perMinute` in any minute
    for (let i = 0; i + perMinute < times.length; i++) {
      expect(times[i + perMinute]! - times[i]!).toBeGreaterThanOrEqual(60_000);
    }
    // 599 gaps of 1.2 s plus two batch delays: the whole send takes 12 min 2.8 s of (fake) time
    expect(times.at(-1)! - times[0]!).toBe(599 * gap + 2 * delayMs);
  });
});
