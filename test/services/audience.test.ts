import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAudience } from '../../src/domain/campaign.js';
import type { Recipient, Services } from '../../src/services/index.js';
import { createServiceHarness, type ServiceHarness } from './setup.js';

const phone = (n: number) => `+1202555${String(100 + n).padStart(4, '0')}`;

describe('audience resolution', () => {
  let h: ServiceHarness;
  let s: Services;

  const collect = async (spec: Parameters<Services['audience']['recipientBatches']>[0], size: number) => {
    const batches: Recipient[][] = [];
    for await (const batch of s.audience.recipientBatches(spec, size)) batches.push(batch);
    return batches;
  };

  beforeAll(async () => {
    h = await createServiceHarness();
    s = h.services;
    await s.contacts.importContacts(
      Array.from({ length: 10 }, (_, i) => ({
        line: i + 2,
        phone: phone(i),
        name: `Person ${i}`,
        segments: i < 4 ? ['VIP Customers'] : ['New Leads'],
      })),
    );
    await s.contacts.optOut(phone(1));
    await s.chats.register({ id: -1003, type: 'supergroup', title: 'Tech Lovers', memberCount: 2450 });
    await s.chats.register({ id: -1004, type: 'channel', title: 'News', memberCount: 100 });
    await s.chats.register({ id: -1005, type: 'group', title: 'Left', memberCount: 50 });
    await s.chats.markInactive(-1005, 'kicked');
    for (let i = 1; i <= 7; i++)
      await s.subscribers.subscribe({ id: i, first_name: `User${i}`, last_name: 'Doe' });
    await s.subscribers.unsubscribe(2);
    await s.subscribers.block(3);
    await s.subscribers.seenInGroup({ id: 8, first_name: 'Lurker' }, -1003);
  });
  afterAll(() => h.db.drop());

  it('walks "all contacts" in batches, leaving out opted-out contacts', async () => {
    const batches = await collect(defaultAudience('whatsapp'), 4);
    // Contacts are read four at a time; the opted-out one makes its batch one shorter.
    expect(batches.map((b) => b.length)).toEqual([3, 4, 2]);
    const all = batches.flat();
    expect(all.map((r) => r.phone)).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 9].map(phone));
    expect(all[0]).toEqual({
      recipient: `wa:${phone(0)}`,
      phone: phone(0),
      name: 'Person 0',
      firstName: 'Person',
    });
    expect(await s.audience.estimateReach(defaultAudience('whatsapp'))).toBe(9);
  });

  it('combines segments, chosen contacts and imported numbers without duplicates or opted-out ones', async () => {
    const { items } = await s.contacts.list({ segment: 'New Leads', pageSize: 100 });
    const chosen = items.find((c) => c.phone === phone(9))!;
    const spec = {
      ...defaultAudience('whatsapp'),
      all: false,
      segments: ['VIP Customers'],
      contactIds: [chosen.id, 'not-an-id'],
      importedPhones: [phone(0), phone(1), '+12025550199', 'garbage'],
    };
    const phones = (await collect(spec, 100)).flat().map((r) => r.phone);
    expect(phones.sort()).toEqual([phone(0), phone(2), phone(3), phone(9), '+12025550199'].sort());
    expect(await s.audience.estimateReach(spec)).toBe(5);
    expect(
      await s.audience.hasRecipients({ ...spec, segments: [], contactIds: [], importedPhones: [phone(1)] }),
    ).toBe(false);
  });

  it('resolves Telegram subscribers and chosen chats, counting group members for the reach', async () => {
    const spec = {
      ...defaultAudience('telegram'),
      allSubscribers: true,
      groupIds: [-1003, -1005],
      channelIds: [-1004],
    };
    const batches = await collect(spec, 2);
    const all = batches.flat();
    expect(all.map((r) => [r.chatId, r.chatKind])).toEqual([
      [1, 'private'],
      [4, 'private'],
      [5, 'private'],
      [6, 'private'],
      [7, 'private'],
      [-1003, 'group'],
      [-1004, 'channel'],
    ]);
    expect(all[0]).toEqual({
      recipient: 'tg:1',
      chatId: 1,
      chatKind: 'private',
      name: 'User1 Doe',
      firstName: 'User1',
    });
    expect(await s.audience.estimateReach(spec)).toBe(5 + 2450 + 100);
    expect(
      await s.audience.estimateReach({ ...defaultAudience('telegram'), directSubscriberIds: [2, 3, 4] }),
    ).toBe(1);
    expect(await s.audience.hasRecipients(defaultAudience('telegram'))).toBe(false);
    await s.chats.optOut(-1003);
    expect(await s.audience.estimateReach({ ...defaultAudience('telegram'), groupIds: [-1003] })).toBe(0);
  });
});
