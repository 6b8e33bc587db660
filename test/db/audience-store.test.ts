import { afterAll, describe, expect, it } from 'vitest';
import { contactClass, createAudienceStore } from '../../src/db/audience.store.js';
import { createTestRedis, uniqueName } from '../support/services.js';

describe('audience store (Redis): a person counted once, a rebuild that loses no write', () => {
  const redis = createTestRedis();
  const database = uniqueName('aud');
  const store = createAudienceStore(redis, { database });
  afterAll(async () => {
    const keys = await redis.keys(`mb:${database}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const vip = contactClass({ phone: '+12025550101', segments: ['VIP Customers', 'New Leads'] });

  it('moves a person between classes, the counts and lists with it, and ignores a repeated report', async () => {
    expect(vip).toBe('1\nNew Leads\nVIP Customers');
    expect(
      contactClass({ phone: '+12025550101', segments: ['New Leads', 'VIP Customers'], optedOut: true }),
    ).toBe('0\nNew Leads\nVIP Customers');
    expect(await store.set('contacts', [{ id: '+12025550101', cls: vip }])).toBe(1);
    expect(await store.set('contacts', [{ id: '+12025550101', cls: vip }])).toBe(0);
    await store.set('contacts', [
      { id: '+12025550102', cls: contactClass({ phone: '+12025550102', segments: ['New Leads'] }) },
    ]);
    expect((await store.contactPage('VIP Customers', 0, 9)).phones).toEqual(['+12025550101']);
    expect((await store.contactPage('New Leads', 0, 9)).phones).toEqual(['+12025550101', '+12025550102']);
    const optedOut = contactClass({ phone: '+12025550101', segments: ['New Leads'], optedOut: true });
    // Two processes report the same opt-out at once: it moves once.
    const moved = await Promise.all([
      store.set('contacts', [{ id: '+12025550101', cls: optedOut }]),
      store.set('contacts', [{ id: '+12025550101', cls: optedOut }]),
    ]);
    expect(moved.sort()).toEqual([0, 1]);
    expect(Object.fromEntries((await store.counts('contacts')).classes)).toEqual({
      '0\nNew Leads': 1,
      '1\nNew Leads': 1,
    });
    expect((await store.contactPage('VIP Customers', 0, 9)).total).toBe(0);
  });

  it('rebuilds without losing what a writer reported meanwhile, one builder at a time', async () => {
    const token = await store.claimBuild('subscribers', 60_000);
    expect(token).not.toBeNull();
    expect(await store.claimBuild('subscribers', 60_000)).toBeNull();
    await store.reset('subscribers', token!);
    // The builder read user 7 as reachable; a /stop was written and reported before the builder got there.
    await store.set('subscribers', [{ id: '7', cls: '0' }]);
    await store.fill('subscribers', [
      { id: '7', cls: '1' },
      { id: '8', cls: '1' },
    ]);
    expect((await store.counts('subscribers')).ready).toBe(false);
    expect(await store.finishBuild('subscribers', token!)).toBe(true);
    expect(await store.counts('subscribers')).toEqual({
      ready: true,
      classes: new Map([
        ['0', 1],
        ['1', 1],
      ]),
    });
    // A repair applies only if the person was not moved since it was read.
    expect(await store.repair('subscribers', [{ id: '8', cls: '0', expected: '0' }])).toBe(0);
    expect(await store.repair('subscribers', [{ id: '8', cls: '0', expected: '1' }])).toBe(1);
    // Forgetting the counts cancels a build under way: it cannot mark a partial mirror ready.
    const next = await store.claimBuild('subscribers', 60_000);
    await store.forget('subscribers');
    expect(await store.finishBuild('subscribers', next!)).toBe(false);
    expect((await store.counts('subscribers')).ready).toBe(false);
  });
});
