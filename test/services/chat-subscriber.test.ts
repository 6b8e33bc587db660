import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAudience } from '../../src/domain/campaign.js';
import { NotFoundError } from '../../src/domain/errors.js';
import type { Services } from '../../src/services/index.js';
import { createServiceHarness, OWNER, type ServiceHarness } from './setup.js';

const GROUP = -4001;
const SUPERGROUP = -1004001;

describe('Telegram chats and subscribers', () => {
  let h: ServiceHarness;
  let s: Services;

  beforeAll(async () => {
    h = await createServiceHarness();
    s = h.services;
  });
  afterAll(() => h.db.drop());

  it('registers a chat once, and again as active after the bot was removed', async () => {
    const first = await s.chats.register({
      id: GROUP,
      type: 'group',
      title: 'Book Club',
      memberCount: 567,
      addedBy: 42,
    });
    expect(first.created).toBe(true);
    expect(first.chat).toMatchObject({
      id: GROUP,
      title: 'Book Club',
      memberCount: 567,
      addedBy: 42,
      active: true,
    });
    await s.chats.markInactive(GROUP, 'kicked');
    expect(await s.chats.get(GROUP)).toMatchObject({ active: false, inactiveReason: 'kicked' });
    expect((await s.chats.list()).total).toBe(0);
    const again = await s.chats.register({ id: GROUP, type: 'group', title: 'Book Club', memberCount: 570 });
    expect(again.created).toBe(false);
    expect(again.chat).toMatchObject({ active: true, memberCount: 570, addedBy: 42 });
    expect(again.chat.inactiveReason).toBeUndefined();
  });

  it('tracks members of a group and lists them page by page', async () => {
    const names = ['John Doe', 'Jane Smith', 'Mike Johnson'];
    for (const [i, name] of names.entries()) {
      const [first_name, last_name] = name.split(' ') as [string, string];
      await s.subscribers.seenInGroup(
        { id: 10 + i, first_name, last_name, username: first_name.toLowerCase() },
        GROUP,
      );
    }
    const page = await s.subscribers.listGroupMembers(GROUP, { pageSize: 2 });
    expect(page).toMatchObject({ total: 3, pages: 2, page: 1 });
    expect(page.items).toEqual([
      { id: 10, name: 'John Doe', username: 'john' },
      { id: 11, name: 'Jane Smith', username: 'jane' },
    ]);
    expect(await s.subscribers.removeFromGroup(11, GROUP)).toBe(true);
    expect(await s.subscribers.removeFromGroup(11, GROUP)).toBe(false);
    expect((await s.subscribers.listGroupMembers(GROUP)).items.map((m) => m.id)).toEqual([10, 12]);
    expect((await s.subscribers.get(10))?.subscribed).toBe(false);
  });

  it('moves a group that became a supergroup, with its members and campaign audiences', async () => {
    const campaign = await s.campaigns.create({ name: 'For the club', platform: 'telegram', adminId: OWNER });
    await s.campaigns.update(
      campaign.id,
      { audience: { ...defaultAudience('telegram'), groupIds: [-5, GROUP] } },
      OWNER,
    );
    const moved = await s.chats.migrate(GROUP, SUPERGROUP);
    expect(moved).toMatchObject({
      id: SUPERGROUP,
      type: 'supergroup',
      title: 'Book Club',
      memberCount: 570,
      active: true,
    });
    expect(await s.chats.get(GROUP)).toMatchObject({ active: false, migratedTo: SUPERGROUP });
    expect((await s.campaigns.get(campaign.id)).audience).toMatchObject({ groupIds: [-5, SUPERGROUP] });
    expect((await s.subscribers.listGroupMembers(SUPERGROUP)).items.map((m) => m.id)).toEqual([10, 12]);
    expect((await s.subscribers.listGroupMembers(GROUP)).total).toBe(0);
    expect((await s.chats.list({ kind: 'groups' })).items.map((c) => c.id)).toEqual([SUPERGROUP]);
    await expect(s.chats.migrate(-999, -1000999)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lets a group opt out and lists only chats that can be sent to', async () => {
    await s.chats.register({ id: -1004002, type: 'channel', title: 'Announcements', memberCount: 10 });
    expect((await s.chats.list({ kind: 'channels' })).items.map((c) => c.title)).toEqual(['Announcements']);
    await s.chats.optOut(SUPERGROUP);
    expect((await s.chats.list()).items.map((c) => c.id)).toEqual([-1004002]);
  });

  it('subscribes, unsubscribes and blocks users', async () => {
    expect(await s.subscribers.subscribe({ id: 20, first_name: 'Emily', username: 'emily_davis' })).toBe(
      false,
    );
    expect(await s.subscribers.subscribe({ id: 20, first_name: 'Emily' })).toBe(true);
    expect(await s.subscribers.unsubscribe(20)).toBe(true);
    expect(await s.subscribers.unsubscribe(20)).toBe(false);
    expect(await s.subscribers.unsubscribe(404)).toBe(false);
    expect(await s.subscribers.subscribe({ id: 20, first_name: 'Emily' })).toBe(false);

    await s.subscribers.block(20, 'user');
    expect(await s.subscribers.get(20)).toMatchObject({ blocked: true, blockedBy: 'user', subscribed: true });
    await s.subscribers.unsubscribe(20);
    await s.subscribers.subscribe({ id: 20, first_name: 'Emily' });
    expect(await s.subscribers.get(20)).toMatchObject({ blocked: false, subscribed: true });

    await s.subscribers.block(20, 'admin');
    await s.subscribers.unsubscribe(20);
    await s.subscribers.subscribe({ id: 20, first_name: 'Emily' });
    expect(await s.subscribers.get(20)).toMatchObject({ blocked: true, blockedBy: 'admin' });
    expect(await s.subscribers.block(404)).toBe(false);
  });

  it('welcomes and dates a first /start whose upsert had already landed once (a retry after a lost answer)', async () => {
    // What the first attempt left behind when only its answer was lost: subscribed, not yet dated.
    await h.models.Subscriber.create({ _id: 21, firstName: 'Lena', subscribed: true });
    expect(await s.subscribers.subscribe({ id: 21, first_name: 'Lena' })).toBe(false);
    expect((await s.subscribers.get(21))?.subscribedAt).toBeInstanceOf(Date);
    expect(await s.subscribers.subscribe({ id: 21, first_name: 'Lena' })).toBe(true);
    await h.models.Subscriber.deleteOne({ _id: 21 });
  });

  it('adds users to a segment and exports them as CSV', async () => {
    expect(await s.subscribers.addToSegment([10, 12], ' VIP Customers ')).toBe(2);
    const csv = await s.subscribers.exportCsv({ groupId: SUPERGROUP });
    expect(csv).toBe(
      [
        'ID,Name,Username,Subscribed,Blocked,Groups,Segments',
        `10,John Doe,@john,false,false,${SUPERGROUP},VIP Customers`,
        `12,Mike Johnson,@mike,false,false,${SUPERGROUP},VIP Customers`,
        '',
      ].join('\r\n'),
    );
    expect((await s.subscribers.exportCsv()).split('\r\n')).toHaveLength(1 + 4 + 1);
  });
});
