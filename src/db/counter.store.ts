import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  type DeliveryStatus,
  emptyCounters,
  FAILURE_REASONS,
  type FailureReason,
  quarterOf,
  type RunCounters,
} from '../domain/analytics.js';
import type { Platform } from '../domain/campaign.js';
import type { Logger } from '../logger.js';

/*
 * Per-run counters in Redis hashes. Why Redis and not the campaign document: FerretDB 1.24 applies an
 * update as read-modify-write in Go, so concurrent `$inc`s on one document lose increments (measured
 * by scripts/check-atomicity.ts: 352 of 1,000 with 20 writers), and the events that move a figure come
 * from several processes at once (the dispatcher's outcomes, WhatsApp receipts, clicks on the http
 * role, replies on the bot). HINCRBY is atomic. Which event counts is still decided in MongoDB, by a
 * unique insert (the delivery, the first click, the first reply…): only its winner adds here.
 *
 * Increments are queued in the process and applied by one Lua call per batch, under a batch id that
 * Redis remembers for an hour: a batch retried after a lost answer is not applied twice. While Redis
 * is unreachable the queue waits and retries; what a process had queued when it died is lost, and
 * is found again by a recount (a dispatcher taking a run over recounts its outcomes; the rest by
 * scripts/reconcile.ts). A run's hash carries `v` once it is complete (begun by its dispatcher or
 * recounted): a reader that finds no `v` (a run from before counters, or Redis lost its data)
 * recounts it once.
 */

export interface RunRef {
  campaignId: number;
  run: number;
}

/** One counter change: `field` of a run's hash by `by`. */
interface Increment extends RunRef {
  field: string;
  by: number;
}

export interface StoredRun extends RunRef {
  platform?: Platform;
  counters: RunCounters;
  /** false: the hash is missing or partial and must be recounted */
  complete: boolean;
}

// KEYS[1] = the batch id key, KEYS[2..] = run hashes; ARGV = for each hash: field, by (in KEYS order,
// with ARGV[1] the number of pairs per hash as a comma-separated list).
const APPLY = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', 3600) == false then return 0 end
local counts = {}
for n in string.gmatch(ARGV[1], '[^,]+') do counts[#counts + 1] = tonumber(n) end
local a = 2
for i = 2, #KEYS do
  for _ = 1, counts[i - 1] do
    redis.call('HINCRBY', KEYS[i], ARGV[a], ARGV[a + 1])
    a = a + 2
  end
end
return 1
`;

const SCALAR_FIELDS = [
  'total',
  'sent',
  'failed',
  'unknown',
  'delivered',
  'read',
  'clicked',
  'clicks',
  'responded',
  'responseMs',
  'converted',
] as const;

function parse(hash: Record<string, string>): RunCounters {
  const c = emptyCounters();
  for (const [field, raw] of Object.entries(hash)) {
    const n = Number(raw);
    if (!Number.isFinite(n)) continue;
    if ((SCALAR_FIELDS as readonly string[]).includes(field)) {
      c[field as (typeof SCALAR_FIELDS)[number]] = n;
    } else if (field.startsWith('f:')) {
      if (n !== 0) c.reasons[field.slice(2) as FailureReason] = n;
    } else if (field.startsWith('ts:')) {
      if (n !== 0) c.sends[Number(field.slice(3))] = n;
    } else if (field.startsWith('tc:')) {
      if (n !== 0) c.firstClicks[Number(field.slice(3))] = n;
    }
  }
  return c;
}

function flatten(c: RunCounters): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of SCALAR_FIELDS) out[f] = c[f];
  for (const [r, n] of Object.entries(c.reasons)) if (n) out[`f:${r}`] = n;
  for (const [q, n] of Object.entries(c.sends)) if (n) out[`ts:${q}`] = n;
  for (const [q, n] of Object.entries(c.firstClicks)) if (n) out[`tc:${q}`] = n;
  return out;
}

/** A delivery's status as counters see it (`pending` counts nowhere: it is total minus the rest). */
export interface DeliveryState {
  status: DeliveryStatus;
  reason?: FailureReason;
}

const SENT_FAMILY: readonly string[] = ['sent', 'delivered', 'read'];

export interface OutcomeEvent {
  status: 'sent' | 'failed' | 'unknown';
  reason?: FailureReason;
  at: Date;
}

export function createCounterStore(
  redis: Redis,
  options: { database: string; logger: Logger; retryMs?: number },
) {
  const prefix = `mb:${options.database}:cnt`;
  const runsKey = `${prefix}:runs`;
  const key = (r: RunRef) => `${prefix}:${r.campaignId}:${r.run}`;
  const member = (r: RunRef) => `${r.campaignId}:${r.run}`;
  const log = options.logger;
  const retryMs = options.retryMs ?? 1000;

  let queue: Increment[] = [];
  let waiters: (() => void)[] = [];
  /** the batch being applied, kept with its id until it is (a retry reuses the id) */
  let inFlight: { id: string; ops: Increment[]; done: (() => void)[] } | undefined;
  let flushing: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function apply(batch: { id: string; ops: Increment[] }): Promise<void> {
    const byKey = new Map<string, Map<string, number>>();
    for (const op of batch.ops) {
      const fields = byKey.get(key(op)) ?? new Map<string, number>();
      fields.set(op.field, (fields.get(op.field) ?? 0) + op.by);
      byKey.set(key(op), fields);
    }
    const keys = [...byKey.keys()];
    const argv = [keys.map((k) => byKey.get(k)?.size ?? 0).join(',')];
    for (const k of keys) for (const [f, by] of byKey.get(k) ?? []) argv.push(f, String(by));
    await redis.eval(APPLY, keys.length + 1, `${prefix}:~batch:${batch.id}`, ...keys, ...argv);
  }

  /** Applies what is queued, one batch at a time; a failed batch stays and is retried later. */
  async function drain(): Promise<void> {
    for (;;) {
      if (!inFlight) {
        if (queue.length === 0) return;
        inFlight = { id: randomUUID(), ops: queue, done: waiters };
        queue = [];
        waiters = [];
      }
      try {
        await apply(inFlight);
      } catch (err) {
        log.warn({ err, pending: inFlight.ops.length }, 'counters not written yet; retrying');
        for (const done of inFlight.done) done();
        inFlight.done = [];
        if (!stopped && !retryTimer) {
          retryTimer = setTimeout(() => {
            retryTimer = undefined;
            void flush();
          }, retryMs);
        }
        return;
      }
      for (const done of inFlight.done) done();
      inFlight = undefined;
    }
  }

  function flush(): Promise<void> {
    // Assigned before drain() can finish, so a drain that ends at once still clears it.
    flushing ??= drain().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  /**
   * Queues increments and waits for the attempt that applies them: it resolves once they are in
   * Redis, or once that attempt failed or Redis is known to be failing (they stay queued and are
   * retried every `retryMs`). It never throws.
   */
  function add(ops: readonly Increment[]): Promise<void> {
    const real = ops.filter((op) => op.by !== 0);
    if (real.length === 0) return Promise.resolve();
    queue.push(...real);
    // Redis failed a moment ago: the retry timer will apply these with the rest.
    if (retryTimer) return Promise.resolve();
    const done = new Promise<void>((resolve) => waiters.push(resolve));
    void flush();
    return done;
  }

  async function read(refs: readonly RunRef[]): Promise<StoredRun[]> {
    if (refs.length === 0) return [];
    const pipe = redis.pipeline();
    for (const r of refs) pipe.hgetall(key(r));
    const results = (await pipe.exec()) ?? [];
    return refs.map((r, i) => {
      const [err, hash] = results[i] ?? [null, {}];
      if (err) throw err;
      const h = (hash ?? {}) as Record<string, string>;
      return {
        ...r,
        ...(h.p ? { platform: h.p as Platform } : {}),
        counters: parse(h),
        complete: h.v === '1',
      };
    });
  }

  return {
    /** A new run: an empty, complete hash, listed by its start for the overview. */
    async begin(r: RunRef, platform: Platform, startedAt: Date): Promise<void> {
      await redis
        .multi()
        .del(key(r))
        .hset(key(r), { v: '1', p: platform, total: '0' })
        .zadd(runsKey, startedAt.getTime(), member(r))
        .exec();
    },

    /** The run's audience size, once expanded (a set, not an increment: expansion may be redone). */
    async setTotal(r: RunRef, total: number): Promise<void> {
      await redis.hset(key(r), 'total', String(total));
    },

    /** Outcomes the dispatcher wrote (only those its insert or update really wrote). */
    outcomes(r: RunRef, events: readonly OutcomeEvent[]): Promise<void> {
      const ops: Increment[] = [];
      for (const e of events) {
        ops.push({ ...r, field: e.status, by: 1 });
        if (e.status === 'failed') ops.push({ ...r, field: `f:${e.reason ?? 'unknown'}`, by: 1 });
        if (e.status === 'sent') ops.push({ ...r, field: `ts:${quarterOf(e.at.getTime())}`, by: 1 });
      }
      return add(ops);
    },

    /**
     * A delivery changed status after its outcome was counted: a WhatsApp receipt (sent → delivered
     * → read), a failure WhatsApp reported after all (→ failed), a retry (failed → pending). `n`:
     * that many deliveries made the same move.
     */
    move(r: RunRef, from: DeliveryState, to: DeliveryState, n = 1): Promise<void> {
      const ops: Increment[] = [];
      const add1 = (field: string, by: number) => ops.push({ ...r, field, by: by * n });
      const reached = (s: string) => SENT_FAMILY.includes(s);
      if (reached(from.status) && !reached(to.status)) add1('sent', -1);
      if (!reached(from.status) && reached(to.status)) add1('sent', 1);
      const delivered = (s: string) => s === 'delivered' || s === 'read';
      if (delivered(from.status) !== delivered(to.status)) add1('delivered', delivered(to.status) ? 1 : -1);
      if ((from.status === 'read') !== (to.status === 'read')) add1('read', to.status === 'read' ? 1 : -1);
      if (from.status === 'failed') {
        add1('failed', -1);
        add1(`f:${from.reason ?? 'unknown'}`, -1);
      }
      if (to.status === 'failed') {
        add1('failed', 1);
        add1(`f:${to.reason ?? 'unknown'}`, 1);
      }
      if (from.status === 'unknown') add1('unknown', -1);
      if (to.status === 'unknown') add1('unknown', 1);
      return add(ops);
    },

    /** A click: `first` for the recipient's first click of the run. */
    click(r: RunRef, first: boolean, at: Date): Promise<void> {
      return add([
        { ...r, field: 'clicks', by: 1 },
        { ...r, field: 'clicked', by: first ? 1 : 0 },
        { ...r, field: `tc:${quarterOf(at.getTime())}`, by: first ? 1 : 0 },
      ]);
    },

    /** The recipient's first reply to the run. */
    response(r: RunRef, responseMs: number): Promise<void> {
      return add([
        { ...r, field: 'responded', by: 1 },
        { ...r, field: 'responseMs', by: Math.round(responseMs) },
      ]);
    },

    conversion(r: RunRef): Promise<void> {
      return add([{ ...r, field: 'converted', by: 1 }]);
    },

    read,

    /** Every run that started at or after `from` (all without it), oldest first. */
    async runsSince(from?: Date): Promise<RunRef[]> {
      const members = await redis.zrangebyscore(runsKey, from ? from.getTime() : '-inf', '+inf');
      return members.map((m) => {
        const [c, r] = m.split(':');
        return { campaignId: Number(c), run: Number(r) };
      });
    },

    /**
     * Replaces a run's counters by recounted ones. `fields`: only those (the dispatcher recounting its
     * outcomes after a crash), the others kept. Pending increments are applied first.
     */
    async replace(
      r: RunRef,
      counters: RunCounters,
      opts: { platform?: Platform; startedAt?: Date | undefined; only?: 'outcomes' } = {},
    ): Promise<void> {
      await flush();
      const flat = flatten(counters);
      const tx = redis.multi();
      if (opts.only === 'outcomes') {
        tx.hdel(key(r), ...FAILURE_REASONS.map((reason) => `f:${reason}`));
        const outcomeFields = Object.entries(flat).filter(
          ([f]) => ['total', 'sent', 'failed', 'unknown'].includes(f) || f.startsWith('f:'),
        );
        tx.hset(key(r), Object.fromEntries(outcomeFields.map(([f, n]) => [f, String(n)])));
      } else {
        tx.del(key(r));
        tx.hset(key(r), {
          ...Object.fromEntries(Object.entries(flat).map(([f, n]) => [f, String(n)])),
          v: '1',
        });
      }
      if (opts.platform) tx.hset(key(r), 'p', opts.platform);
      if (opts.startedAt) tx.zadd(runsKey, opts.startedAt.getTime(), member(r));
      else if ('startedAt' in opts) tx.zadd(runsKey, 'NX', 0, member(r));
      await tx.exec();
    },

    /** Lists a run for the overview by its start; without one, at the epoch (all time only) if not listed yet. */
    async list(r: RunRef, startedAt: Date | undefined): Promise<void> {
      if (startedAt) await redis.zadd(runsKey, startedAt.getTime(), member(r));
      else await redis.zadd(runsKey, 'NX', 0, member(r));
    },

    /**
     * Whether this database's counters were all built (by a rebuild after an upgrade, or after Redis
     * lost them); false until then. `claimRebuild` lets one process do it.
     */
    async ready(): Promise<boolean> {
      return (await redis.exists(`${prefix}:~ready`)) === 1;
    },
    async claimRebuild(ttlMs: number): Promise<boolean> {
      return (await redis.set(`${prefix}:~rebuild`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
    async markReady(): Promise<void> {
      await redis.multi().set(`${prefix}:~ready`, '1').del(`${prefix}:~rebuild`).exec();
    },

    /** A deleted campaign's runs. */
    async remove(campaignId: number, runs: readonly number[]): Promise<void> {
      if (runs.length === 0) return;
      const refs = runs.map((run) => ({ campaignId, run }));
      await redis
        .multi()
        .del(...refs.map(key))
        .zrem(runsKey, ...refs.map(member))
        .exec();
    },

    /** Applies what is queued now (before reading figures that must include it). */
    async settled(): Promise<void> {
      await flush();
    },

    /** Waits for queued increments (shutdown, tests); stops retrying. */
    async close(): Promise<void> {
      await flush();
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
    },
  };
}

export type CounterStore = ReturnType<typeof createCounterStore>;
