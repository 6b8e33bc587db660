import { Api } from 'grammy';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { createAudienceStore } from '../db/audience.store.js';
import { type CounterStore, createCounterStore } from '../db/counter.store.js';
import {
  createDispatchRepository,
  createRecipientSource,
  type DispatchRepository,
  type RecipientSource,
} from '../db/dispatch.repository.js';
import type { Models } from '../db/models.js';
import { createReachIndex, reachTtlMs } from '../db/reach-index.js';
import { type Logger, scrubToken } from '../logger.js';
import { CampaignRun, type RunTuning } from './campaign-run.js';
import { createTelegramLimiter, type SendLimiter } from './limiter.js';
import { createTelegramMessenger, type TelegramMessenger } from './messengers/telegram.messenger.js';
import { dispatchMetrics, MetricsRegistry } from './metrics.js';
import { type Clock, systemClock, type Translate } from './types.js';

/**
 * The audience interface (declared with the default implementation in db/, which may not import
 * dispatch/): a campaign service can pass its own `recipients(campaign)` to createDispatcher.
 */
export type { DispatchRecipient, RecipientSource } from '../db/dispatch.repository.js';

export interface DispatcherTuning extends RunTuning {
  /** campaigns this process sends at the same time (they share the global budget) */
  maxCampaigns: number;
  /** Redis prefix of the shared limits; defaults to one per bot (`tg:<bot id>`) */
  limiterNamespace: string;
  /** share of Telegram's ceiling used (see TelegramLimiterOptions.headroom) */
  limiterHeadroom: number;
}

export interface DispatcherDeps {
  config: Config;
  logger: Logger;
  models: Models;
  /** the limiters open their own connections to it (defaults to config.REDIS_URL) */
  redisUrl?: string;
  /** for the reply index and the counters; without it the dispatcher opens its own to redisUrl */
  redis?: Redis;
  /** the process's counter store (main.ts shares one); by default one in `redis` */
  counters?: CounterStore;
  /** an Api WITHOUT auto-retry (429s and retries are handled here); built from config when absent */
  api?: Api;
  translate: Translate;
  recipients?: RecipientSource;
  clock?: Clock;
  metrics?: MetricsRegistry;
  /** a ready limiter (benchmarks); by default the Redis-backed Telegram limits from config */
  limiter?: SendLimiter;
  tuning?: Partial<DispatcherTuning>;
}

export interface Dispatcher {
  start(): Promise<void>;
  /** Idempotent: stops claiming, lets calls under way finish, writes outcomes, releases leases. */
  stop(): Promise<void>;
  /** One scheduler pass (also run every SCHEDULER_TICK_MS once started); returns campaigns claimed. */
  tick(): Promise<number>;
  /** Campaign ids this dispatcher is sending now. */
  active(): number[];
  readonly metrics: MetricsRegistry;
  readonly messenger: TelegramMessenger;
  readonly repository: DispatchRepository;
}

/**
 * The dispatcher role: a scheduler tick claims due campaigns (one atomic findOneAndUpdate each, see
 * DispatchRepository.claimDue) and runs them under a lease; several processes share the platform's
 * limits through Redis and never work the same campaign at once.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { config, logger } = deps;
  const log = logger.child({ role: 'dispatcher', dispatcher: config.DISPATCHER_ID });
  const metrics = deps.metrics ?? new MetricsRegistry();
  const figures = dispatchMetrics(metrics);
  const clock = deps.clock ?? systemClock;
  const tuning: DispatcherTuning = {
    maxCampaigns: 4,
    controlIntervalMs: 1000,
    retryBaseMs: 1000,
    progressIntervalMs: 3000,
    limiterNamespace: `tg:${config.BOT_TOKEN.split(':')[0]}`,
    limiterHeadroom: 0.98,
    ...deps.tuning,
  };
  const api =
    deps.api ?? new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT, timeoutSeconds: 60 });
  const messenger = createTelegramMessenger(api);
  const ownRedis = deps.redis
    ? undefined
    : new Redis(deps.redisUrl ?? config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
  ownRedis?.on('error', (err) => log.debug({ err: String(err) }, 'redis connection error'));
  const redis = deps.redis ?? (ownRedis as Redis);
  const database = deps.models.Campaign.db.name;
  const reach = createReachIndex(redis, { database, ttlMs: reachTtlMs(config.RESPONSE_WINDOW_HOURS) });
  const counters = deps.counters ?? createCounterStore(redis, { database, logger: log });
  const audience = createAudienceStore(redis, { database });
  const repository = createDispatchRepository(deps.models, { counters, reach, audience });
  const source = deps.recipients ?? createRecipientSource(deps.models);
  const runs = new Map<number, CampaignRun>();
  let limiter = deps.limiter;
  let ownLimiter = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<number> | undefined;
  let started = false;
  let stopping: Promise<void> | undefined;

  const claimLoop = async (): Promise<number> => {
    let claimed = 0;
    while (!stopping && limiter && runs.size < tuning.maxCampaigns) {
      const campaign = await repository.claimDue(config.DISPATCHER_ID, clock(), config.LEASE_SECONDS * 1000);
      if (!campaign) break;
      claimed++;
      log.info({ campaignId: campaign.id, status: campaign.status }, 'campaign claimed');
      const run = new CampaignRun(
        {
          repo: repository,
          source,
          messenger,
          limiter,
          translate: deps.translate,
          logger: log,
          metrics: figures,
          clock,
          owner: config.DISPATCHER_ID,
          config,
          tuning,
        },
        campaign,
      );
      runs.set(campaign.id, run);
      void run.done.finally(() => runs.delete(campaign.id));
    }
    return claimed;
  };

  const tick = (): Promise<number> => {
    if (ticking) return ticking;
    ticking = claimLoop()
      .catch((err: unknown) => {
        log.error({ err: String(err) }, 'scheduler tick failed');
        return 0;
      })
      .finally(() => {
        ticking = undefined;
      });
    return ticking;
  };

  return {
    metrics,
    messenger,
    repository,

    async start() {
      if (started) return;
      started = true;
      await repository.init();
      if (!limiter) {
        limiter = await createTelegramLimiter({
          redisUrl: deps.redisUrl ?? config.REDIS_URL,
          namespace: tuning.limiterNamespace,
          globalRate: config.TELEGRAM_GLOBAL_RATE,
          paidRate: config.TELEGRAM_PAID_RATE,
          privateChatRate: config.TELEGRAM_PRIVATE_CHAT_RATE,
          groupRatePerMinute: config.TELEGRAM_GROUP_RATE_PER_MINUTE,
          logger: log,
          headroom: tuning.limiterHeadroom,
        });
        ownLimiter = true;
      }
      // Checks the token early and opens the connection: the very first call of a process is slow
      // enough (connect, JIT) to arrive late and bunch up with the next ones at the platform.
      await api.getMe().then(
        (me) => log.info({ bot: me.username }, 'telegram reachable'),
        (err: unknown) => log.error({ err: scrubToken(String(err)) }, 'telegram getMe failed'),
      );
      timer = setInterval(() => void tick(), config.SCHEDULER_TICK_MS);
      log.info({ tickMs: config.SCHEDULER_TICK_MS, rate: config.TELEGRAM_GLOBAL_RATE }, 'dispatcher started');
      void tick();
    },

    stop() {
      stopping ??= (async () => {
        if (timer) clearInterval(timer);
        await ticking;
        for (const run of runs.values()) run.stop('shutdown');
        await Promise.allSettled([...runs.values()].map((r) => r.done));
        if (ownLimiter) await limiter?.stop();
        if (!deps.counters) await counters.close();
        if (ownRedis?.status === 'wait') ownRedis.disconnect();
        else await ownRedis?.quit().catch(() => ownRedis.disconnect());
        log.info('dispatcher stopped');
      })();
      return stopping;
    },

    tick,

    active() {
      return [...runs.keys()];
    },
  };
}
