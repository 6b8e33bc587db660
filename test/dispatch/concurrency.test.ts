import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/services.js';
import {
  addSubscribers,
  campaignDoc,
  createCampaign,
  createEnv,
  type Env,
  sendsPerChat,
  startDispatcher,
  stopDispatchers,
  waitForStatus,
} from './helpers.js';

/** The most sends arriving in one of the consecutive one-second windows from the first send. */
function busiestSecond(times: readonly number[]): number {
  const first = Math.min(...times);
  const perWindow = new Map<number, number>();
  for (const t of times) {
    const w = Math.floor((t - first) / 1000);
    perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
  }
  return Math.max(...perWindow.values());
}

describe('dispatcher: several dispatchers at once', () => {
  let env: Env;
  beforeAll(async () => {
    env = await createEnv();
  });
  afterEach(async () => {
    await stopDispatchers();
  });
  afterAll(async () => {
    await env.close();
  });

  it('two dispatchers with their own Redis connections share one global ceiling', async () => {
    const a = await addSubscribers(env, 40);
    const b = await addSubscribers(env, 40);
    const from = env.emulator.calls.length;
    const one = await createCampaign(env, { audience: { directSubscriberIds: a } });
    const two = await createCampaign(env, { audience: { directSubscriberIds: b } });
    const namespace = uniqueName('tg');
    const options = { TELEGRAM_GLOBAL_RATE: '20' };
    const tuning = { limiterNamespace: namespace, maxCampaigns: 1 };
    const first = startDispatcher(env, options, { tuning });
    const second = startDispatcher(env, options, { tuning });
    await Promise.all([first.start(), second.start()]);
    await Promise.all([
      waitForStatus(env, one, ['published'], 30_000),
      waitForStatus(env, two, ['published'], 30_000),
    ]);

    // Each dispatcher took one campaign, and they ran at the same time.
    const owners = [first.metrics.render(), second.metrics.render()].map((m) =>
      Number(/dispatch_messages_sent_total (\d+)/.exec(m)?.[1] ?? 0),
    );
    expect(owners).toEqual([40, 40]);
    // every campaign message of both dispatchers: what the shared limiter meters (the admins'
    // progress messages are edits and one-off notices outside the campaign budget)
    const recipients = new Set([...a, ...b]);
    const sends = env.emulator.calls
      .slice(from)
      .filter((c) => c.method === 'sendMessage' && recipients.has(Number(c.params.chat_id)));
    expect(busiestSecond(sends.map((c) => c.at))).toBeLessThanOrEqual(20);
    const counts = sendsPerChat(env, [...a, ...b]);
    expect([...a, ...b].every((s) => counts.get(s) === 1)).toBe(true);
  });

  it('hands a campaign over when its dispatcher stops: nobody gets it twice', async () => {
    const subs = await addSubscribers(env, 60);
    const id = await createCampaign(env, { audience: { directSubscriberIds: subs } });
    const tuning = { limiterNamespace: uniqueName('tg') };
    const first = startDispatcher(env, { TELEGRAM_GLOBAL_RATE: '30' }, { tuning });
    const second = startDispatcher(env, { TELEGRAM_GLOBAL_RATE: '30' }, { tuning });
    await Promise.all([first.start(), second.start()]);
    const received = () => [...sendsPerChat(env, subs).values()].reduce((x, y) => x + y, 0);
    await env.emulator.waitFor(() => received() >= 15, 20_000);
    const owner = (await campaignDoc(env, id)).lease?.owner;
    const [leaving, staying] = first.active().includes(id) ? [first, second] : [second, first];
    expect(owner).toBeDefined();
    await leaving.stop();
    const doc = await waitForStatus(env, id, ['published'], 30_000);
    const sentBy = (d: typeof staying) =>
      Number(/dispatch_messages_sent_total (\d+)/.exec(d.metrics.render())?.[1] ?? 0);
    expect(sentBy(leaving)).toBeGreaterThan(0);
    expect(sentBy(staying)).toBeGreaterThan(0);
    expect(sentBy(leaving) + sentBy(staying)).toBe(60);
    const counts = sendsPerChat(env, subs);
    expect(subs.map((s) => counts.get(s) ?? 0)).toEqual(Array(60).fill(1));
    expect(doc.counters).toEqual({ total: 60, sent: 60, failed: 0, unknown: 0 });
    expect(doc.run).toBe(1);
  });
});
