import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCounterStore } from '../../src/db/counter.store.js';
import { createServices, type Services } from '../../src/services/index.js';
import { testLogger } from '../support/services.js';
import {
  ADMIN_ID,
  addSubscribers,
  campaignDoc,
  createCampaign,
  createEnv,
  deliveriesOf,
  type Env,
  sendsPerChat,
  startDispatcher,
  stopDispatchers,
  waitForStatus,
} from './helpers.js';

const sentCount = (env: Env, subs: readonly number[]) =>
  [...sendsPerChat(env, subs).values()].reduce((a, b) => a + b, 0);

describe('dispatcher: pause, resume, cancel, retry and automatic pause', () => {
  let env: Env;
  /** the campaign service, as the bot's Pause and Cancel buttons use it */
  let services: Services;
  beforeAll(async () => {
    env = await createEnv();
    services = createServices({
      models: env.models,
      logger: testLogger,
      config: { ADMIN_IDS: [ADMIN_ID], DEFAULT_TIMEZONE: 'UTC' },
      redis: env.redis,
    });
  });
  afterEach(async () => {
    await stopDispatchers();
    env.emulator.clearFaults();
  });
  afterAll(async () => {
    await services.counters.close();
    await env.close();
  });

  it('pauses mid-run and resumes where it stopped: no duplicates, everyone gets it', async () => {
    const subs = await addSubscribers(env, 40);
    const id = await createCampaign(env, { audience: { directSubscriberIds: subs }, startedBy: ADMIN_ID });
    const dispatcher = startDispatcher(env, { TELEGRAM_GLOBAL_RATE: '20' });
    await dispatcher.start();
    await env.emulator.waitFor(() => sentCount(env, subs) >= 10, 20_000);
    await services.campaigns.pause(id, ADMIN_ID);
    const paused = await waitForStatus(env, id, ['paused'], 10_000, (d) => !d.lease?.owner);
    const atPause = sentCount(env, subs);
    expect(atPause).toBeLessThan(40);
    expect(paused.counters.sent).toBe(atPause);
    await dispatcher.tick();
    expect(sentCount(env, subs)).toBe(atPause);
    await env.emulator.waitFor(() =>
      env.emulator.messagesIn(ADMIN_ID).some((m) => m.text?.includes('is paused')),
    );

    // "resume": back to sending; the lease was released, so the next tick takes it up
    await env.models.Campaign.updateOne(
      { _id: id, status: 'paused' },
      { $set: { status: 'sending' } },
    ).exec();
    const done = await waitForStatus(env, id, ['published'], 20_000);
    await dispatcher.stop();
    const counts = sendsPerChat(env, subs);
    expect(subs.map((s) => counts.get(s) ?? 0)).toEqual(Array(40).fill(1));
    expect(done.run).toBe(1);
    expect(done.counters).toEqual({ total: 40, sent: 40, failed: 0, unknown: 0 });
    // one progress message for the whole run, edited across the pause
    const progress = env.emulator
      .messagesIn(ADMIN_ID)
      .filter((m) => m.text?.includes(`#${id}`) && m.text.includes('▰'));
    expect(progress).toHaveLength(1);
  });

  it('cancels mid-run: nothing more is sent and the run is recorded as cancelled', async () => {
    const subs = await addSubscribers(env, 40);
    const id = await createCampaign(env, { audience: { directSubscriberIds: subs } });
    const dispatcher = startDispatcher(env, { TELEGRAM_GLOBAL_RATE: '20' });
    await dispatcher.start();
    await env.emulator.waitFor(() => sentCount(env, subs) >= 10, 20_000);
    await services.campaigns.cancel(id, ADMIN_ID);
    const doc = await waitForStatus(env, id, ['cancelled'], 10_000, (d) => !d.lease?.owner);
    await dispatcher.tick();
    await dispatcher.stop();
    const sent = sentCount(env, subs);
    expect(sent).toBeLessThan(40);
    expect(Math.max(...sendsPerChat(env, subs).values())).toBe(1);
    expect(doc.runs).toMatchObject([{ run: 1, outcome: 'cancelled', sent }]);
  });

  it("a pause or cancel whose status write was undone by the dispatcher's own write still stops the run", async () => {
    // On FerretDB an update writes the whole document back: the dispatcher's cursor save landing
    // just after the admin's press can restore `sending`. Made to happen here by writing it back.
    for (const action of ['pause', 'cancel'] as const) {
      const subs = await addSubscribers(env, 40);
      const id = await createCampaign(env, { audience: { directSubscriberIds: subs }, startedBy: ADMIN_ID });
      const dispatcher = startDispatcher(env, { TELEGRAM_GLOBAL_RATE: '20' });
      await dispatcher.start();
      await env.emulator.waitFor(() => sentCount(env, subs) >= 5, 20_000);
      await services.campaigns[action](id, ADMIN_ID);
      await env.models.Campaign.updateOne({ _id: id }, { $set: { status: 'sending' } }).exec();
      const wanted = action === 'pause' ? 'paused' : 'cancelled';
      const doc = await waitForStatus(env, id, [wanted], 10_000, (d) => !d.lease?.owner);
      await dispatcher.stop();
      const sent = sentCount(env, subs);
      expect(sent).toBeLessThan(40);
      expect(doc.counters.sent).toBe(sent);
      if (action === 'pause') expect(doc.pauseReason).toBe('manual');
      await stopDispatchers();
    }
  });

  it('retry failed resends only the failed deliveries, in the same run', async () => {
    const subs = await addSubscribers(env, 12);
    const failing = subs.slice(0, 3);
    for (const chatId of failing) env.emulator.failNext({ chatId, times: 10, error: 'server_error' });
    const id = await createCampaign(env, { audience: { directSubscriberIds: subs } });
    const dispatcher = startDispatcher(env, { SEND_MAX_ATTEMPTS: '2' });
    await dispatcher.start();
    const first = await waitForStatus(env, id, ['published']);
    expect(first.counters).toEqual({ total: 12, sent: 9, failed: 3, unknown: 0 });
    const failed = (await deliveriesOf(env, id)).filter((d) => d.status === 'failed');
    expect(failed.map((d) => [d.chatId, d.reason]).sort()).toEqual(failing.map((c) => [c, 'network']).sort());

    env.emulator.clearFaults();
    // what the campaign service does for "retry failed": deliveries back to pending, counters moved
    await env.models.Delivery.updateMany(
      { campaignId: id, run: 1, status: 'failed' },
      { $set: { status: 'pending' }, $unset: { reason: 1, error: 1, failedAt: 1 } },
    ).exec();
    const counters = createCounterStore(env.redis, {
      database: env.models.Campaign.db.name,
      logger: testLogger,
    });
    await counters.move(
      { campaignId: id, run: 1 },
      { status: 'failed', reason: 'network' },
      { status: 'pending' },
      3,
    );
    await env.models.Campaign.updateOne(
      { _id: id },
      { $set: { status: 'scheduled', 'schedule.at': new Date() } },
    ).exec();
    const second = await waitForStatus(env, id, ['published'], 20_000, (d) => d.counters.sent === 12);
    await dispatcher.stop();

    const counts = sendsPerChat(env, subs);
    expect(subs.map((s) => counts.get(s) ?? 0)).toEqual(Array(12).fill(1));
    expect(second.run).toBe(1);
    expect(second.counters).toEqual({ total: 12, sent: 12, failed: 0, unknown: 0 });
    expect(second.runs).toMatchObject([{ run: 1, outcome: 'published', sent: 12, failed: 0 }]);
  });

  it('pauses by itself after too many failures in a row and tells the admin why', async () => {
    const subs = await addSubscribers(env, 10);
    for (const chatId of subs) env.emulator.failNext({ chatId, times: 5, error: 'server_error' });
    const id = await createCampaign(env, { audience: { directSubscriberIds: subs }, startedBy: ADMIN_ID });
    const dispatcher = startDispatcher(env, { SEND_MAX_ATTEMPTS: '1', FAILURE_PAUSE_THRESHOLD: '4' });
    await dispatcher.start();
    const doc = await waitForStatus(env, id, ['paused'], 20_000, (d) => !d.lease?.owner);
    await dispatcher.stop();
    env.emulator.clearFaults();
    expect(doc.pauseReason).toBe('consecutive_failures:network');
    expect(doc.counters.failed).toBeGreaterThanOrEqual(4);
    expect(doc.counters.failed).toBeLessThan(10);
    const told = env.emulator.messagesIn(ADMIN_ID).find((m) => m.text?.includes('paused automatically'));
    expect(told?.text).toContain('4 sends in a row failed (network or Telegram errors)');
    expect((await campaignDoc(env, id)).status).toBe('paused');
  });
});
