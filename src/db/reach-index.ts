import type { Redis } from 'ioredis';

/**
 * Recipient → the latest delivery that reached them, in Redis. A reply (every private message a
 * subscriber or WhatsApp contact sends) finds the campaign it answers here instead of searching
 * the deliveries for the sender's latest one. On FerretDB 1.24 that search reads and decodes the
 * whole deliveries collection: 2.4 s per message at 20,000 deliveries, where one Redis read takes
 * under a millisecond (scripts/bench-replies.ts).
 *
 * The senders (the Telegram dispatcher and the WhatsApp role) write a link with every outcome
 * that reached a private chat or a WhatsApp contact; a link only moves forward in time and expires
 * after the response window. `since` is when this database's index began: a reply whose window
 * starts before it (the first days after an upgrade, or after Redis lost its data) is looked up
 * in the deliveries as before. Keys are scoped by the database's name, like the deliveries.
 */
export interface ReachLink {
  /** the delivery's _id (hex) */
  delivery: string;
  campaignId: number;
  run: number;
  sentAt: number;
}

export interface ReachIndex {
  record(links: readonly (ReachLink & { recipient: string })[]): Promise<void>;
  /** The recipient's link, and since when every reached delivery has one (null: index not begun). */
  latest(recipient: string): Promise<{ link: ReachLink | null; since: number | null }>;
}

// KEYS[1] = the "since" key, KEYS[2..] = one per link; ARGV[1] = now, ARGV[2] = ttl ms, then the
// link values in KEYS order. A value is delivery|campaignId|run|sentAt; an older one never
// replaces a newer one (two campaigns may record their outcomes in either order).
const RECORD = `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
for i = 2, #KEYS do
  local value = ARGV[i + 1]
  local sentAt = tonumber(string.match(value, '([^|]+)$'))
  local current = redis.call('GET', KEYS[i])
  if not current or tonumber(string.match(current, '([^|]+)$')) <= sentAt then
    redis.call('SET', KEYS[i], value, 'PX', ARGV[2])
  end
end
return 1
`;

/** Links outlive the response window by a day: a reply can arrive late (a phone that was off). */
export const reachTtlMs = (responseWindowHours: number): number => (responseWindowHours + 24) * 3_600_000;

export function createReachIndex(
  redis: Redis,
  options: { database: string; ttlMs: number; clock?: () => Date },
): ReachIndex {
  const prefix = `mb:${options.database}:reach`;
  const sinceKey = `${prefix}:~since`;
  const key = (recipient: string) => `${prefix}:${recipient}`;
  const clock = options.clock ?? (() => new Date());

  return {
    async record(links) {
      if (links.length === 0) return;
      await redis.eval(
        RECORD,
        links.length + 1,
        sinceKey,
        ...links.map((l) => key(l.recipient)),
        String(clock().getTime()),
        String(Math.ceil(options.ttlMs)),
        ...links.map((l) => `${l.delivery}|${l.campaignId}|${l.run}|${l.sentAt}`),
      );
    },

    async latest(recipient) {
      const [value, since] = await redis.mget(key(recipient), sinceKey);
      const parts = value?.split('|');
      const link =
        parts?.length === 4
          ? {
              delivery: parts[0] as string,
              campaignId: Number(parts[1]),
              run: Number(parts[2]),
              sentAt: Number(parts[3]),
            }
          : null;
      return { link, since: since ? Number(since) : null };
    },
  };
}
