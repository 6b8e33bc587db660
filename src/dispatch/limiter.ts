import Bottleneck from 'bottleneck';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';

export type ChatKind = 'private' | 'group' | 'channel';

export interface LimiterTarget {
  chatId: number;
  kind: ChatKind;
}

export interface AcquireOptions {
  /** paid broadcast (allow_paid_broadcast): its own, higher global budget */
  paid?: boolean;
  /** 0 (first) … 9 (last); progress messages jump the queue of campaign messages */
  priority?: number;
  /** reserve the chat's own budget too (messages); edits and pins only take a global slot */
  perChat?: boolean;
}

export type AcquireResult =
  | {
      ok: true;
      /**
       * Call right before the platform call. When the call leaves late (a pause after the slot was
       * granted: GC, a busy event loop), the slot is moved to now in Redis, so the calls after it
       * keep their distance from when it really left.
       */
      go(): void;
    }
  | { ok: false; waitMs: number; reason: 'chat' | 'backoff' | 'global' };

/**
 * The send budget shared by every dispatcher of one bot: a global rate (Bottleneck in Redis
 * clustered mode), per-chat spacing and a bot-wide back-off after a 429 (both in Redis).
 */
export interface SendLimiter {
  /** Takes one global slot, then tries the chat's budget; when that says wait, the slot is spent. */
  tryAcquire(target: LimiterTarget | null, options?: AcquireOptions): Promise<AcquireResult>;
  /** Nobody calls the platform for `seconds` (a 429's retry_after), in any dispatcher. */
  backoff(seconds: number): Promise<void>;
  /** Milliseconds until the current back-off ends (0 when none). */
  backoffRemaining(): number;
  stop(): Promise<void>;
}

export interface TelegramLimiterOptions {
  redisUrl: string;
  /** Redis key prefix; dispatchers that share it share the budget (one bot = one namespace). */
  namespace: string;
  globalRate: number;
  paidRate: number;
  privateChatRate: number;
  groupRatePerMinute: number;
  logger: Logger;
  /**
   * Share of the ceiling actually used (default 0.98). Calls are paced at rate × headroom, and the
   * sliding window counts `rate` calls per 1000 / headroom ms: a call reaches Telegram a little
   * after our check, and a call delayed by a pause (GC, a busy event loop) bunches up with the next.
   * Lower it on a jittery host if Telegram still answers 429.
   */
  headroom?: number;
}

// The last gate before a call, in one round trip and in Redis time (dispatchers on several machines
// agree): the shared 429 back-off, a minimum gap since the previous call and a sliding-window log
// of the calls (a sorted set of call ids scored by when they left: the hard ceiling), then the
// chat's own spacing. Bottleneck's minTime paces from the scheduled times: after a pause (GC, a busy
// event loop) the late call and the next one would leave together, which the gap prevents. Records
// the call only when all let it through.
// Returns [waitMs, why, id, at]: why 0 = go (wait 0) or chat, 1 = back-off, 2 = global window; id
// and at name the recorded call, for LATE.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = tonumber(redis.call('GET', KEYS[2]) or '0')
if until_ > now then return {until_ - now, 1} end
local limit = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local minGap = tonumber(ARGV[4])
local last = tonumber(redis.call('GET', KEYS[4]) or '0')
if now - last < minGap then return {math.ceil(minGap - (now - last)), 2} end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - windowMs)
local n = redis.call('ZCARD', KEYS[3])
if n >= limit then
  local oldest = redis.call('ZRANGE', KEYS[3], n - limit, n - limit, 'WITHSCORES')
  return {math.max(1, tonumber(oldest[2]) + windowMs - now), 2}
end
if KEYS[1] ~= '' then
  local interval = tonumber(ARGV[1])
  local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
  if nextAt > now then return {nextAt - now, 0} end
  redis.call('SET', KEYS[1], now + interval, 'PX', interval)
end
local id = redis.call('INCR', KEYS[5])
redis.call('ZADD', KEYS[3], now, id)
redis.call('SET', KEYS[4], now, 'PX', windowMs * 2)
redis.call('PEXPIRE', KEYS[3], windowMs * 2)
redis.call('PEXPIRE', KEYS[5], windowMs * 2)
return {0, 0, id, now}
`;

// A call granted at `at` left `ARGV[2]` ms late: move it in the window log (and the last-call time),
// so that the window and the gap count from when it really left.
const LATE = `
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s then return 0 end
local moved = tonumber(s) + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], moved, ARGV[1])
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if moved > last then redis.call('SET', KEYS[2], moved, 'PX', tonumber(ARGV[3])) end
return moved
`;

const SET_BACKOFF = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then redis.call('SET', KEYS[1], until_, 'PX', ARGV[1]) end
return until_ - now
`;

/** A call that leaves this much later than a prompt one is moved in the window log (see LATE). */
const LATE_MS = 3;

function globalLimiterSettings(rate: number, headroom: number): Bottleneck.ConstructorOptions {
  const burst = Math.max(2, Math.ceil(rate / 10));
  return {
    // minTime paces the calls just under the ceiling. The reservoir is a token bucket refilled
    // continuously at the full ceiling (computed from elapsed time, so the 200 ms heartbeat does not
    // cut the rate): it only binds if calls bunch up, and caps a burst at a tenth of a second's
    // worth, but holds at least two. A job that finds it empty waits for the next heartbeat, so with
    // one token a job queued behind another (a retry, a second run) waited 200 ms every time: half
    // the rate at 10/s.
    // Whole milliseconds: with a key timeout Bottleneck passes nextRequest to PEXPIRE.
    minTime: Math.max(Math.ceil(1000 / rate), Math.floor(1000 / (rate * headroom))),
    reservoir: burst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: Math.max(1, Math.floor(1000 / rate)),
    reservoirIncreaseMaximum: burst,
    maxConcurrent: null,
    heartbeatInterval: 200,
  };
}

function connectionOptions(url: string): RedisOptions {
  return { maxRetriesPerRequest: null, enableOfflineQueue: true, lazyConnect: false, ...parseRedisUrl(url) };
}

function parseRedisUrl(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * Telegram's limits as a ceiling shared through Redis. Each Bottleneck limiter gets its own ioredis
 * client (two limiters on one shared connection hung in our measurements), and the per-chat script
 * runs on a third one.
 */
export async function createTelegramLimiter(opts: TelegramLimiterOptions): Promise<SendLimiter> {
  const headroom = opts.headroom ?? 0.98;
  const windowMs = Math.round(1000 / headroom);
  const made: Bottleneck[] = [];
  const connections: Bottleneck.IORedisConnection[] = [];
  const makeLimiter = async (id: string, rate: number) => {
    const connection = new Bottleneck.IORedisConnection({
      client: new Redis(connectionOptions(opts.redisUrl)),
      Redis,
    });
    connections.push(connection);
    connection.on('error', (err: unknown) =>
      opts.logger.warn({ err: String(err), limiter: id }, 'limiter redis error'),
    );
    const settings = globalLimiterSettings(rate, headroom);
    // timeout: the limiter's Redis keys expire after a day unused (Bottleneck recreates them).
    const limiter = new Bottleneck({
      id,
      datastore: 'ioredis',
      connection,
      clearDatastore: false,
      timeout: 86_400_000,
      ...settings,
    });
    limiter.on('error', (err: unknown) =>
      opts.logger.warn({ err: String(err), limiter: id }, 'limiter error'),
    );
    made.push(limiter);
    await limiter.ready();
    // Settings stored in Redis by an earlier process win over the constructor's; apply ours.
    await limiter.updateSettings(settings);
    return limiter;
  };

  const global = await makeLimiter(`${opts.namespace}:global`, opts.globalRate);
  let paid: Bottleneck | undefined;
  const paidLimiter = async () => {
    paid ??= await makeLimiter(`${opts.namespace}:paid`, opts.paidRate);
    return paid;
  };

  const redis = new Redis(connectionOptions(opts.redisUrl));
  redis.on('error', (err) => opts.logger.debug({ err: String(err) }, 'limiter redis error'));
  const backoffKey = `${opts.namespace}:backoff`;
  const globalWindowKey = `${opts.namespace}:calls`;
  const paidWindowKey = `${opts.namespace}:calls:paid`;
  // A little over the limit's spacing, for the same reason as the window.
  const privateMs = Math.ceil(1000 / opts.privateChatRate) + 50;
  const groupMs = Math.ceil(60_000 / opts.groupRatePerMinute) + 50;
  let localBackoffUntil = 0;
  let stopped = false;
  // The quickest grant seen (a Redis round trip with nothing in the way): what a call that leaves on
  // time takes from asking to leaving.
  let fastestGrantMs = Number.POSITIVE_INFINITY;

  return {
    async tryAcquire(target, options = {}) {
      const remaining = localBackoffUntil - Date.now();
      if (remaining > 0) return { ok: false, waitMs: remaining, reason: 'backoff' };
      const limiter = options.paid ? await paidLimiter() : global;
      await limiter.schedule({ priority: options.priority ?? 5, expiration: 30_000 }, async () => undefined);
      const chatKey = target && options.perChat !== false ? `${opts.namespace}:chat:${target.chatId}` : '';
      const interval = target?.kind === 'private' ? privateMs : groupMs;
      const [windowKey, limit] = options.paid
        ? [paidWindowKey, opts.paidRate]
        : [globalWindowKey, opts.globalRate];
      const minGap = Math.floor((900 / limit) * 100) / 100;
      let askedAt = 0;
      const reserve = async () => {
        askedAt = performance.now();
        return (await redis.eval(
          RESERVE,
          5,
          chatKey,
          backoffKey,
          windowKey,
          `${windowKey}:last`,
          `${windowKey}:id`,
          interval,
          Math.max(1, Math.floor(limit)),
          windowMs,
          minGap,
        )) as [number, number, number?, number?];
      };
      let [wait, why, id] = await reserve();
      // The window is only a few ms late when pacing jitters: wait for it with the slot we already
      // have, rather than giving the slot up and queueing for another.
      for (let i = 0; i < 5 && why === 2 && wait > 0 && wait < 500; i++) {
        await new Promise((r) => setTimeout(r, wait));
        [wait, why, id] = await reserve();
      }
      if (wait <= 0) {
        fastestGrantMs = Math.min(fastestGrantMs, performance.now() - askedAt);
        return {
          ok: true,
          go: () => {
            const late = Math.round(performance.now() - askedAt - fastestGrantMs);
            if (late < LATE_MS || id === undefined) return;
            redis
              .eval(LATE, 2, windowKey, `${windowKey}:last`, id, late, windowMs * 2)
              .catch((err: unknown) => opts.logger.debug({ err: String(err) }, 'could not move a late call'));
          },
        };
      }
      if (why === 1) localBackoffUntil = Math.max(localBackoffUntil, Date.now() + wait);
      return { ok: false, waitMs: wait, reason: why === 1 ? 'backoff' : why === 2 ? 'global' : 'chat' };
    },
    async backoff(seconds) {
      const ms = Math.ceil(seconds * 1000);
      localBackoffUntil = Math.max(localBackoffUntil, Date.now() + ms);
      await redis.eval(SET_BACKOFF, 1, backoffKey, ms).catch((err: unknown) => {
        opts.logger.warn({ err: String(err) }, 'could not share the back-off through redis');
      });
    },
    backoffRemaining() {
      return Math.max(0, localBackoffUntil - Date.now());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // Our limiters run on connections we made, which their own disconnect() leaves open.
      for (const l of made) await Promise.resolve(l.disconnect(false)).catch(() => {});
      await Promise.all(connections.map((c) => c.disconnect(true).catch(() => {})));
      redis.disconnect();
    },
  };
}

/**
 * No limits of our own: for a benchmark of another throttling scheme (the transformer-throttler) that
 * sits inside the Api. 429s are still honoured through the back-off.
 */
export function createUnlimitedLimiter(): SendLimiter {
  let until = 0;
  return {
    async tryAcquire() {
      const remaining = until - Date.now();
      return remaining > 0 ? { ok: false, waitMs: remaining, reason: 'backoff' } : { ok: true, go() {} };
    },
    async backoff(seconds) {
      until = Math.max(until, Date.now() + seconds * 1000);
    },
    backoffRemaining() {
      return Math.max(0, until - Date.now());
    },
    async stop() {},
  };
}
