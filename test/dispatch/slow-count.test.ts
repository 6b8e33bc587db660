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

  // A run recounts its outcomes from the deliveries when its counters were lost (Redis lost its
  // data mid-run, here) or after a takeover. FerretDB reads every delivery of the run for that,
  // longer than a lease for a large one: the run must keep its lease while it counts, not lose it to
  // a takeover that counts again, round after round.
  it('finishes once when recounting the deliveries takes longer than the lease', async () => {
    const subs = await addSubscribers(env, 6);
    const id = await createCampaign(env, { audience: { directSubscriberIds: subs }, startedBy: ADMIN_ID });
    const dispatcher = startDispatcher(env, { LEASE_SECONDS: '1', SCHEDULER_TICK_MS: '100' });
    const repo = dispatcher.repository;
    const startRun = repo.startRun;
    repo.startRun = async (...args) => {
      const started = await startRun(...args);
      // Redis loses the run's counters as soon as they are made.
      await env.redis.del(`mb:${env.models.Campaign.db.name}:cnt:${id}:1`);
      return started;
    };
    const recount = repo.recountOutcomes;
    let counted = 0;
    repo.recountOutcomes = async (c) => {
      counted++;
      await new Promise((r) => setTimeout(r, 2_500));
      return recount(c);
    };
    await dispatcher.start();
    const doc = await waitForStatus(env, id, ['published'], 60_000);

    expect(doc.counters).toEqual({ total: 6, sent: 6, failed: 0, unknown: 0 });
    expect(doc.runs).toHaveLength(1);
    expect(doc.runs[0]).toMatchObject({ total: 6, sent: 6, failed: 0, unknown: 0 });
    const perChat = sendsPerChat(env, subs);
    expect(subs.map((s) => perChat.get(s) ?? 0)).toEqual([1, 1, 1, 1, 1, 1]);
    // one recount when the run starts (its counters are gone), none again: no takeover counted again
    expect(counted).toBe(1);
  }, 90_000);
});
