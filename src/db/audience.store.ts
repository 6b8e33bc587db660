import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isE164 } from '../domain/audience.js';

/*
 * The audience counts the admin's screens show, in Redis: how many subscribers can be reached, and
 * how many contacts there are per segment and reachable. On FerretDB 1.24 counting them in MongoDB
 * decodes every subscriber or contact (≈ 1–2 s at 20,000), on every audience step of the wizard.
 *
 * Each person is mirrored here as a small "class": for a subscriber `1` (subscribed and not
 * blocked) or `0`; for a contact its reachability (`1`: valid, not opted out, an E.164 number)
 * followed by its sorted segments, `1\nNew Leads\nVIP Customers`. A hash counts people per class,
 * and sorted sets (score 0, so ordered by phone) list every contact and each segment's contacts
 * for the /contacts pages. One Lua call moves a person to a new class and the counts and lists with
 * it, atomically: a person is counted once whatever happens, so two processes reporting the same
 * change (a /stop and a 403 on a send; an opt-out written twice) cannot count it twice. Writers
 * report the state they just wrote (or read back); what can still go wrong is an older state
 * reported after a newer one by a concurrent writer, or a process dying between its MongoDB write
 * and its Redis call: the mirror then disagrees with MongoDB on that person, and the reconcile
 * (services/audience-counts.service.ts, scripts/reconcile.ts) finds it and repairs it.
 *
 * `ready` says the mirror is complete. Without it (a database from before these counts, or Redis
 * lost them) the counts are rebuilt from MongoDB once: the builder clears the mirror and fills it in
 * "absent" mode (a person a writer reported meanwhile keeps that newer state), then marks it ready.
 * The sorted sets per segment are named inside the script, so this needs a single Redis (no cluster).
 */

export type AudienceKind = 'subscribers' | 'contacts';

/** A person's class: for subscribers '1' or '0'; for contacts see contactClass(). '' removes the person. */
export interface ClassMove {
  id: string;
  cls: string;
  /** CAS mode only: the class the mover saw; the move is skipped if the mirror changed since */
  expected?: string;
}

export interface StoredCounts {
  /** false: the mirror is incomplete (being built, or never built); the counts must not be trusted */
  ready: boolean;
  /** people per class */
  classes: Map<string, number>;
}

export interface ContactClassFields {
  phone: string;
  segments?: readonly string[] | null;
  optedOut?: boolean | null;
  valid?: boolean | null;
}

/** The class of a contact: reachability, then its segments sorted (the same for any order given). */
export function contactClass(c: ContactClassFields): string {
  const reachable = !c.optedOut && c.valid !== false && isE164(c.phone);
  const segments = [...new Set(c.segments ?? [])].filter((s) => s && !s.includes('\n')).sort();
  return `${reachable ? '1' : '0'}${segments.map((s) => `\n${s}`).join('')}`;
}

export function parseContactClass(cls: string): { reachable: boolean; segments: string[] } {
  const [r, ...segments] = cls.split('\n');
  return { reachable: r === '1', segments };
}

// KEYS: state hash, counts hash, [contacts only: the all-contacts sorted set (segment sets are
// named after it), the set of segment set names]. ARGV[1] = mode: 'set' (always), 'absent' (only a
// person the mirror does not have), 'cas' (only when the mirror still holds the expected class);
// then id, class, expected for each person. Returns how many persons moved.
const MOVE = `
local mode = ARGV[1]
local zall = KEYS[3]
local function segments(cls)
  local out = {}
  for s in string.gmatch(string.sub(cls, 3), '[^\\n]+') do out[#out + 1] = s end
  return out
end
local moved = 0
for i = 2, #ARGV, 3 do
  local id, new, expected = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local old = redis.call('HGET', KEYS[1], id)
  local skip = (old or '') == new
    or (mode == 'absent' and old ~= false)
    or (mode == 'cas' and (old or '') ~= expected)
  if not skip then
    if old then
      if redis.call('HINCRBY', KEYS[2], old, -1) == 0 then redis.call('HDEL', KEYS[2], old) end
      if zall then
        redis.call('ZREM', zall, id)
        for _, s in ipairs(segments(old)) do redis.call('ZREM', zall .. ':' .. s, id) end
      end
    end
    if new == '' then
      redis.call('HDEL', KEYS[1], id)
    else
      redis.call('HSET', KEYS[1], id, new)
      redis.call('HINCRBY', KEYS[2], new, 1)
      if zall then
        redis.call('ZADD', zall, 0, id)
        for _, s in ipairs(segments(new)) do
          redis.call('ZADD', zall .. ':' .. s, 0, id)
          redis.call('SADD', KEYS[4], zall .. ':' .. s)
        end
      end
    end
    moved = moved + 1
  end
end
return moved
`;

// KEYS: build lock, ready, state, counts, [all-contacts set, segment set names]; ARGV[1] = token.
// Clears the mirror if the caller still holds the build lock; ARGV[2] = 'force' clears it anyway,
// and the lock with it (a build under way then cannot mark its partial mirror ready).
const RESET = `
if ARGV[2] == 'force' then redis.call('DEL', KEYS[1])
elseif redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
if KEYS[5] then
  for _, k in ipairs(redis.call('SMEMBERS', KEYS[6])) do redis.call('DEL', k) end
  redis.call('DEL', KEYS[5], KEYS[6])
end
return 1
`;

// KEYS: build lock, ready; ARGV[1] = token.
const FINISH = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], '1')
redis.call('DEL', KEYS[1])
return 1
`;

// KEYS: state, counts, [all-contacts set, segment set names]. Derives the counts and the sorted
// sets again from the state (a repair: they are derived from it by every move).
const REDERIVE = `
redis.call('DEL', KEYS[2])
if KEYS[3] then
  for _, k in ipairs(redis.call('SMEMBERS', KEYS[4])) do redis.call('DEL', k) end
  redis.call('DEL', KEYS[3], KEYS[4])
end
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local id, cls = all[i], all[i + 1]
  redis.call('HINCRBY', KEYS[2], cls, 1)
  if KEYS[3] then
    redis.call('ZADD', KEYS[3], 0, id)
    for s in string.gmatch(string.sub(cls, 3), '[^\\n]+') do
      redis.call('ZADD', KEYS[3] .. ':' .. s, 0, id)
      redis.call('SADD', KEYS[4], KEYS[3] .. ':' .. s)
    end
  end
end
return #all / 2
`;

const CHUNK = 500;

export function createAudienceStore(redis: Redis, options: { database: string }) {
  const prefix = `mb:${options.database}:aud`;
  const keys = (kind: AudienceKind) => {
    const k = `${prefix}:${kind === 'subscribers' ? 's' : 'c'}`;
    return {
      state: `${k}:state`,
      counts: `${k}:n`,
      ready: `${k}:ready`,
      build: `${k}:build`,
      /** contacts: every contact by phone; `${list}:${segment}` one segment's */
      lists: kind === 'contacts' ? [`${k}:list`, `${k}:lists`] : [],
    };
  };

  async function move(kind: AudienceKind, mode: 'set' | 'absent' | 'cas', moves: readonly ClassMove[]) {
    const k = keys(kind);
    let moved = 0;
    for (let i = 0; i < moves.length; i += CHUNK) {
      const argv = moves.slice(i, i + CHUNK).flatMap((m) => [m.id, m.cls, m.expected ?? '']);
      moved += Number(
        await redis.eval(MOVE, 2 + k.lists.length, k.state, k.counts, ...k.lists, mode, ...argv),
      );
    }
    return moved;
  }

  const parseCounts = (raw: Record<string, string>) =>
    new Map(Object.entries(raw).map(([cls, n]) => [cls, Number(n)] as const));

  return {
    /** Writers: these persons are now in these classes (subscribers: '1' reachable, '0' not). */
    async set(kind: AudienceKind, moves: readonly ClassMove[]): Promise<number> {
      return moves.length === 0 ? 0 : move(kind, 'set', moves);
    },

    async counts(kind: AudienceKind): Promise<StoredCounts> {
      const k = keys(kind);
      const res = await redis.multi().exists(k.ready).hgetall(k.counts).exec();
      const ready = res?.[0]?.[1] === 1;
      return { ready, classes: parseCounts((res?.[1]?.[1] ?? {}) as Record<string, string>) };
    },

    /** Contacts by phone, `start` to `stop` (ranks, inclusive), all or one segment's; with the total. */
    async contactPage(
      segment: string | undefined,
      start: number,
      stop: number,
    ): Promise<{ ready: boolean; total: number; phones: string[] }> {
      const k = keys('contacts');
      const list = segment === undefined ? k.lists[0]! : `${k.lists[0]}:${segment}`;
      const res = await redis.multi().exists(k.ready).zcard(list).zrange(list, start, stop).exec();
      return {
        ready: res?.[0]?.[1] === 1,
        total: Number(res?.[1]?.[1] ?? 0),
        phones: (res?.[2]?.[1] ?? []) as string[],
      };
    },

    /** One builder at a time: a token if this caller may rebuild the mirror (for `ttlMs`). */
    async claimBuild(kind: AudienceKind, ttlMs: number): Promise<string | null> {
      const token = randomUUID();
      const won = await redis.set(keys(kind).build, token, 'PX', ttlMs, 'NX');
      return won === 'OK' ? token : null;
    },

    /** Clears the mirror (not ready) before a rebuild; false if the claim was lost. */
    async reset(kind: AudienceKind, token: string): Promise<boolean> {
      const k = keys(kind);
      const args = [k.build, k.ready, k.state, k.counts, ...k.lists];
      return Number(await redis.eval(RESET, args.length, ...args, token)) === 1;
    },

    /** A rebuild's persons: each only if no writer reported it meanwhile. */
    async fill(kind: AudienceKind, moves: readonly ClassMove[]): Promise<void> {
      if (moves.length > 0) await move(kind, 'absent', moves);
    },

    async finishBuild(kind: AudienceKind, token: string): Promise<boolean> {
      const k = keys(kind);
      return Number(await redis.eval(FINISH, 2, k.build, k.ready, token)) === 1;
    },

    async releaseBuild(kind: AudienceKind, token: string): Promise<void> {
      const k = keys(kind);
      if ((await redis.get(k.build)) === token) await redis.del(k.build);
    },

    /** The mirrored classes of these persons ('' when absent), if the mirror is complete. */
    async lookup(kind: AudienceKind, ids: readonly string[]): Promise<string[] | null> {
      const k = keys(kind);
      if (ids.length === 0) return (await redis.exists(k.ready)) === 1 ? [] : null;
      const res = await redis
        .multi()
        .exists(k.ready)
        .hmget(k.state, ...ids)
        .exec();
      if (res?.[0]?.[1] !== 1) return null;
      return ((res?.[1]?.[1] ?? []) as (string | null)[]).map((c) => c ?? '');
    },

    /** The mirrored classes of these persons ('' when absent). */
    async classesOf(kind: AudienceKind, ids: readonly string[]): Promise<string[]> {
      if (ids.length === 0) return [];
      const found = await redis.hmget(keys(kind).state, ...ids);
      return found.map((c) => c ?? '');
    },

    /** Repairs: each move applies only if the mirror still holds `expected` (a writer may have moved it). */
    async repair(kind: AudienceKind, moves: readonly ClassMove[]): Promise<number> {
      return moves.length === 0 ? 0 : move(kind, 'cas', moves);
    },

    /** Every mirrored person, in pages (HSCAN: a person moved meanwhile may appear twice). */
    async *mirrored(kind: AudienceKind): AsyncGenerator<[string, string][]> {
      let cursor = '0';
      do {
        const [next, flat] = await redis.hscan(keys(kind).state, cursor, 'COUNT', 1000);
        cursor = next;
        const page: [string, string][] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) page.push([flat[i]!, flat[i + 1]!]);
        if (page.length > 0) yield page;
      } while (cursor !== '0');
    },

    /** The contact lists' sizes: all, and per segment. */
    async listSizes(): Promise<Map<string | undefined, number>> {
      const k = keys('contacts');
      const names = await redis.smembers(k.lists[1]!);
      const all = k.lists[0]!;
      const res = await redis.multi([[`zcard`, all], ...names.map((n) => ['zcard', n])]).exec();
      const sizes = new Map<string | undefined, number>([[undefined, Number(res?.[0]?.[1] ?? 0)]]);
      names.forEach((n, i) => {
        const size = Number(res?.[i + 1]?.[1] ?? 0);
        if (size > 0) sizes.set(n.slice(all.length + 1), size);
      });
      return sizes;
    },

    /** Derives the counts (and the contact lists) from the mirrored persons again: a repair. */
    async rederive(kind: AudienceKind): Promise<void> {
      const k = keys(kind);
      await redis.eval(REDERIVE, 2 + k.lists.length, k.state, k.counts, ...k.lists);
    },

    /** Forgets the mirror (tests, and scripts that wrote persons around the app): rebuilt when next read. */
    async forget(kind: AudienceKind): Promise<void> {
      const k = keys(kind);
      await redis.eval(
        RESET,
        4 + k.lists.length,
        k.build,
        k.ready,
        k.state,
        k.counts,
        ...k.lists,
        '',
        'force',
      );
    },
  };
}

export type AudienceStore = ReturnType<typeof createAudienceStore>;
