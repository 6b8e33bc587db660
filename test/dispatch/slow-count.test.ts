import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_ID,
  addSubscribers,
  createCampaign,
  createEnv,
  type Env,
  sendsPerChat,
  startDispatcher,
  stopDispatchers,
  waitForStatus,
} from './helpers.js';

describe('dispatcher: a database slower than the lease', () => {
  let env: Env;
  beforeAll(async () => {
    env = await createEnv();
  });
  afterEach(stopDispatchers);
  afterAll(() => env.close());

  // FerretDB counts a 100,000-delivery run in 17 s or more, longer than a lease: the run must keep
  // its lease while it counts, not lose it to a takeover that counts again, round after round.
  it('finishes once when counting the deliveries takes longer than the lease', async () => {
    const subs = await addSubscribers(env, 6);
    const id = await createCampaign(env, { audience: { directSubscriberIds: subs }, startedBy: ADMIN_ID });
    const dispatcher = startDispatcher(env, { LEASE_SECONDS: '1', SCHEDULER_TICK_MS: '100' });
    const repo = dispatcher.repository;
    const count = repo.countRun;
    let counted = 0;
    repo.countRun = async (c) => {
      counted++;
      await new Promise((r) => setTimeout(r, 2_500));
      return count(c);
    };
    await dispatcher.start();
    const doc = await waitForStatus(env, id, ['published'], 60_000);

    expect(doc.counters).toEqual({ total: 6, sent: 6, failed: 0, unknown: 0 });
    expect(doc.runs).toHaveLength(1);
    const perChat = sendsPerChat(env, subs);
    expect(subs.map((s) => perChat.get(s) ?? 0)).toEqual([1, 1, 1, 1, 1, 1]);
    // one count when the run starts, one at its end: no takeover counted again
    expect(counted).toBe(2);
  }, 90_000);
});
