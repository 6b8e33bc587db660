import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  addSubscribers,
  createCampaign,
  createEnv,
  deliveriesOf,
  type Env,
  sendsPerChat,
  startDispatcher,
  stopDispatchers,
  waitForStatus,
} from './helpers.js';

describe('dispatcher: recurring campaigns', () => {
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

  it('runs a daily campaign once a day until its end date, keeping figures per run', async () => {
    const subs = await addSubscribers(env, 5);
    let now = new Date('2030-03-02T09:00:00Z');
    const id = await createCampaign(env, {
      audience: { directSubscriberIds: subs },
      at: now,
      schedule: {
        zone: 'Europe/Berlin',
        localDate: '2030-03-02',
        localTime: '10:00',
        frequency: 'daily',
        endDate: '2030-03-03',
      },
    });
    const dispatcher = startDispatcher(env, {}, { clock: () => now });
    await dispatcher.start();

    const afterFirst = await waitForStatus(
      env,
      id,
      ['scheduled'],
      20_000,
      (d) => d.runs[0]?.outcome === 'published',
    );
    expect(afterFirst.schedule.at?.toISOString()).toBe('2030-03-03T09:00:00.000Z');
    expect(afterFirst.runs).toMatchObject([{ run: 1, outcome: 'published', total: 5, sent: 5 }]);

    // Nothing is due before the next occurrence.
    await dispatcher.tick();
    expect((await deliveriesOf(env, id)).length).toBe(5);

    now = new Date('2030-03-03T09:00:01Z');
    await dispatcher.tick();
    const end = await waitForStatus(env, id, ['published'], 20_000);
    expect(end.run).toBe(2);
    expect(end.runs).toMatchObject([
      { run: 1, outcome: 'published', sent: 5 },
      { run: 2, outcome: 'published', sent: 5 },
    ]);
    // The end date is reached: no next occurrence, the schedule keeps the last run's time.
    expect(end.schedule.at?.toISOString()).toBe('2030-03-03T09:00:00.000Z');
    const counts = sendsPerChat(env, subs);
    expect(subs.map((s) => counts.get(s))).toEqual(Array(5).fill(2));
    const deliveries = await deliveriesOf(env, id);
    expect(deliveries.filter((d) => d.run === 1)).toHaveLength(5);
    expect(deliveries.filter((d) => d.run === 2)).toHaveLength(5);
  });
});
