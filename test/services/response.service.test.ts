import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryId } from '../../src/db/dispatch.repository.js';
import type { Services } from '../../src/services/index.js';
import { createServiceHarness, type ServiceHarness } from './setup.js';

const HOUR = 3_600_000;
const T0 = new Date('2026-06-10T12:00:00Z');

describe('responses to campaigns', () => {
  let h: ServiceHarness;
  let s: Services;

  async function delivered(campaignId: number, recipient: string, sentAt: Date, status = 'sent') {
    await h.models.Delivery.collection.insertOne({
      _id: deliveryId(campaignId, 0, recipient),
      campaignId,
      run: 0,
      recipient,
      seq: 0,
      platform: recipient.startsWith('wa:') ? 'whatsapp' : 'telegram',
      status,
      attempts: 1,
      clicks: 0,
      sentAt,
      createdAt: sentAt,
      updatedAt: sentAt,
    } as never);
  }

  beforeAll(async () => {
    h = await createServiceHarness(T0);
    s = h.services;
    await delivered(1, 'wa:+4915112345678', T0, 'read');
    await delivered(2, 'wa:+4915112345678', new Date(T0.getTime() + 2 * HOUR), 'delivered');
    await delivered(3, 'tg:555', T0);
    await delivered(4, 'tg:556', T0, 'failed');
  });
  afterAll(() => h.db.drop());

  it('credits a reply to the latest campaign that reached the sender, with its response time', async () => {
    const at = new Date(T0.getTime() + 3 * HOUR);
    const r = await s.responses.record({ platform: 'whatsapp', phone: '+4915112345678', text: 'Price?', at });
    expect(r).toMatchObject({ campaignId: 2, run: 0, first: true, responseMs: HOUR });
    const d = await h.models.Delivery.findOne({ campaignId: 2 }).lean();
    expect(d?.respondedAt?.toISOString()).toBe(at.toISOString());
    expect(d?.responseMs).toBe(HOUR);
  });

  it('counts a recipient once however often they write, and keeps every message', async () => {
    const at = new Date(T0.getTime() + 4 * HOUR);
    const again = await s.responses.record({
      platform: 'whatsapp',
      phone: '+4915112345678',
      text: 'Hello?',
      at,
    });
    expect(again).toMatchObject({ campaignId: 2, first: false });
    const d = await h.models.Delivery.findOne({ campaignId: 2 }).lean();
    expect(d?.responseMs).toBe(HOUR);
    expect((await s.responses.list(2)).map((x) => x.text)).toEqual(['Hello?', 'Price?']);
  });

  it('ignores replies outside the window, to failed deliveries, or from strangers', async () => {
    const late = new Date(T0.getTime() + 80 * HOUR);
    expect(await s.responses.record({ platform: 'telegram', chatId: 555, text: 'hi', at: late })).toBeNull();
    const soon = new Date(T0.getTime() + HOUR);
    expect(await s.responses.record({ platform: 'telegram', chatId: 556, text: 'hi', at: soon })).toBeNull();
    expect(await s.responses.record({ platform: 'telegram', chatId: 999, text: 'hi', at: soon })).toBeNull();
    expect(await s.responses.record({ platform: 'whatsapp', phone: '12', text: 'hi', at: soon })).toBeNull();
    const tg = await s.responses.record({ platform: 'telegram', chatId: 555, text: 'thanks', at: soon });
    expect(tg).toMatchObject({ campaignId: 3, first: true, responseMs: HOUR });
  });

  it('gives one first reply when the same recipient writes twice at once', async () => {
    await delivered(5, 'tg:777', T0);
    const at = new Date(T0.getTime() + HOUR);
    const both = await Promise.all(
      [1, 2, 3].map((i) => s.responses.record({ platform: 'telegram', chatId: 777, text: `m${i}`, at })),
    );
    expect(both.filter((r) => r?.first)).toHaveLength(1);
  });
});
