/**
 * The /campaigns list over many campaigns: how long the service's list() takes (server side) for
 * the queries an admin makes, on the real FerretDB/MongoDB from MONGODB_URI. The campaigns look
 * like real ones: both platforms, every status (a quarter archived), messages of a few hundred to
 * 4096 characters, audiences, a run history on the recurring ones, schedules over six months, a
 * few featured.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:34247/x npx tsx scripts/bench-list.ts [--n 10000] [--repeat 15]
 *
 * Prints how long the campaigns took to insert, the first list (which builds the list index from
 * them), the mean cost of a write that moves a campaign in the list (its index sync included), then
 * p50/p95/max (ms) per query kind over --repeat rounds (the kinds interleaved) and the p95 of every
 * call together.
 */
import { createCampaignRepository } from '../src/db/campaign.repository.js';
import { createModels } from '../src/db/models.js';
import {
  CAMPAIGN_TYPES,
  type CampaignStatus,
  defaultSettings,
  type Platform,
  SEGMENTS,
} from '../src/domain/campaign.js';
import { createLogger } from '../src/logger.js';
import { type CampaignListQuery, createCampaignListService } from '../src/services/campaign-list.service.js';
import { arg, withBenchDb } from './lib/bench.js';

const N = Number(arg('n', '10000'));
const REPEAT = Number(arg('repeat', '15'));
const WRITES = 20;
const NOW = new Date('2026-06-10T12:00:00Z');
const DAY = 86_400_000;

/** Deterministic, so two runs measure the same data. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}
const rnd = random(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;

const STATUS_WEIGHTS: [CampaignStatus, number][] = [
  ['draft', 14],
  ['scheduled', 16],
  ['sending', 1],
  ['paused', 2],
  ['published', 34],
  ['failed', 3],
  ['cancelled', 5],
  ['archived', 25],
];
function status(): CampaignStatus {
  let r = rnd() * 100;
  for (const [s, w] of STATUS_WEIGHTS) {
    r -= w;
    if (r < 0) return s;
  }
  return 'published';
}

const WORDS = ['Summer', 'Flash', 'Sale', 'Weekly', 'News', 'VIP', 'Launch', 'Webinar', 'Offer', 'Reminder'];
const WORDS2 = ['Digest', 'Promo', 'Update', 'Invite', 'Deal', 'Event', 'Follow-up', 'Drop', 'Alert', 'Tips'];
const LOREM =
  'Our biggest offer of the season is here: every item in the catalogue is discounted, delivery is free ' +
  'and the first hundred orders get a gift. Tap the link below to see what is new this week. ';

function campaign(id: number): Record<string, unknown> {
  const platform: Platform = rnd() < 0.5 ? 'whatsapp' : 'telegram';
  const st = status();
  const name = `${pick(WORDS)} ${pick(WORDS2)} ${id}`;
  // Most messages are a few hundred characters; one in ten is long, up to Telegram's 4096.
  const length = rnd() < 0.1 ? 1500 + Math.floor(rnd() * 2596) : 150 + Math.floor(rnd() * 700);
  const text = LOREM.repeat(Math.ceil(length / LOREM.length)).slice(0, length);
  const createdAt = new Date(NOW.getTime() - 180 * DAY + (id / N) * 170 * DAY);
  const at = st === 'draft' && rnd() < 0.7 ? undefined : new Date(NOW.getTime() + (rnd() - 0.6) * 150 * DAY);
  const recurring = rnd() < 0.15;
  const runs = st === 'draft' || st === 'scheduled' ? (recurring ? Math.floor(rnd() * 30) : 0) : 1;
  const audience =
    platform === 'whatsapp'
      ? {
          kind: 'whatsapp',
          all: rnd() < 0.4,
          segments: SEGMENTS.filter(() => rnd() < 0.3),
          contactIds: Array.from({ length: rnd() < 0.2 ? 50 : 0 }, (_, k) => `c${id}_${k}`),
          importedPhones: Array.from({ length: rnd() < 0.1 ? 100 : 0 }, (_, k) => `+49151${id}${k}`),
        }
      : {
          kind: 'telegram',
          allSubscribers: rnd() < 0.5,
          groupIds: Array.from({ length: Math.floor(rnd() * 12) }, (_, k) => -1_000_000_000_000 - k),
          channelIds: [],
          directSubscriberIds: [],
        };
  return {
    _id: id,
    name,
    nameLower: name.toLowerCase(),
    platform,
    type: pick(CAMPAIGN_TYPES),
    status: st,
    featured: platform === 'whatsapp' && rnd() < 0.04,
    training:
      platform === 'whatsapp' && rnd() < 0.15 ? pick(['trained', 'training'] as const) : 'not_trained',
    audience,
    message: {
      text,
      ...(rnd() < 0.3
        ? { buttons: [{ buttons: [{ text: 'Shop now', url: 'https://example.com/shop' }] }] }
        : {}),
    },
    schedule: {
      zone: pick(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo']),
      frequency: recurring ? pick(['daily', 'weekly', 'monthly'] as const) : 'none',
      ...(at ? { at, localDate: at.toISOString().slice(0, 10), localTime: '10:00' } : {}),
    },
    settings: defaultSettings(platform),
    run: runs,
    runs: Array.from({ length: runs }, (_, k) => {
      const startedAt = new Date(createdAt.getTime() + (k + 1) * DAY);
      return {
        run: k + 1,
        startedAt,
        finishedAt: new Date(startedAt.getTime() + 600_000),
        outcome: 'published',
        total: 500,
        sent: 490,
        failed: 10,
        unknown: 0,
      };
    }),
    counters: { total: 500, sent: 490, failed: 10, unknown: 0 },
    createdBy: 1001,
    ...(st === 'archived' ? { archivedAt: NOW } : {}),
    createdAt,
    updatedAt: createdAt,
  };
}

const QUERIES: Record<string, CampaignListQuery> = {
  'default (recent, page 1)': {},
  'page 40': { page: 40 },
  'sort oldest': { sort: 'oldest' },
  'sort name_asc': { sort: 'name_asc' },
  'sort name_desc': { sort: 'name_desc', page: 3 },
  'sort schedule': { sort: 'schedule' },
  'sort status': { sort: 'status', page: 12 },
  'status scheduled': { status: 'scheduled', sort: 'schedule' },
  'status archived': { status: 'archived' },
  'platform telegram': { platform: 'telegram' },
  'training trained': { training: 'trained' },
  'search "flash"': { search: 'flash' },
  'search, no match': { search: 'nothing like this' },
  'date range this month': { dateRange: 'month', zone: 'Europe/Berlin', sort: 'schedule' },
  'date range custom': { dateRange: { from: '2026-05-01', to: '2026-07-31' } },
  'whatsapp published name_asc': { platform: 'whatsapp', status: 'published', sort: 'name_asc', page: 2 },
  'telegram search schedule': { platform: 'telegram', search: 'sale', sort: 'schedule' },
  'week scheduled status': { dateRange: 'week', status: 'scheduled', sort: 'status' },
};

const pct = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

await withBenchDb('bench_list', async (conn) => {
  const models = await createModels(conn);
  const t0 = performance.now();
  for (let i = 1; i <= N; i += 1000) {
    const docs = Array.from({ length: Math.min(1000, N - i + 1) }, (_, k) => campaign(i + k));
    await models.Campaign.collection.insertMany(docs as never[]);
  }
  const insertMs = performance.now() - t0;
  // Statistics for the planner, as autovacuum's ANALYZE would give a table this size.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const list = createCampaignListService({
    models,
    logger: createLogger('warn'),
    config: { ADMIN_IDS: [1001], DEFAULT_TIMEZONE: 'UTC' },
    clock: () => NOW,
  });

  const times = new Map<string, number[]>(Object.keys(QUERIES).map((k) => [k, []]));
  const totals = new Map<string, number>();
  // The first list on a database compares the list index with every campaign (and builds it).
  const t1 = performance.now();
  await list.list({});
  const firstMs = performance.now() - t1;
  for (let round = 0; round < REPEAT; round++) {
    for (const [kind, query] of Object.entries(QUERIES)) {
      const t = performance.now();
      const page = await list.list(query);
      times.get(kind)?.push(performance.now() - t);
      totals.set(kind, page.total);
    }
  }
  const all: number[] = [];
  const rows = [...times].map(([kind, xs]) => {
    all.push(...xs);
    const sorted = [...xs].sort((a, b) => a - b);
    return {
      query: kind,
      matches: totals.get(kind),
      p50: pct(sorted, 50).toFixed(0),
      p95: pct(sorted, 95).toFixed(0),
      max: pct(sorted, 100).toFixed(0),
    };
  });
  // What a write that moves a campaign in the list costs (the model's hooks sync the index).
  const repo = createCampaignRepository(models);
  const t2 = performance.now();
  for (let k = 0; k < WRITES; k++) await repo.patch(1 + ((k * 997) % N), { featured: k % 2 === 0 });
  const writeMs = (performance.now() - t2) / WRITES;
  console.log(
    `${N} campaigns (inserted in ${(insertMs / 1000).toFixed(1)} s); first list ${(firstMs / 1000).toFixed(1)} s; ` +
      `a list field written: ${writeMs.toFixed(0)} ms (mean of ${WRITES}); list() ms, ${REPEAT} rounds:`,
  );
  console.table(rows);
  all.sort((a, b) => a - b);
  console.log(
    `all ${all.length} calls: p50 ${pct(all, 50).toFixed(0)} ms, p95 ${pct(all, 95).toFixed(0)} ms, max ${pct(all, 100).toFixed(0)} ms`,
  );
});
