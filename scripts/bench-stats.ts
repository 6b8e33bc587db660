/**
 * Analytics benchmark, on the real FerretDB/MongoDB and Redis from MONGODB_URI and REDIS_URL:
 *
 * 1. One campaign's /stats screen (campaignReport + timeline, as the bot asks for them) with N
 *    deliveries (default 100,000, over 2 runs): the first call recounts the runs from MongoDB (what
 *    happens once for a campaign whose counters were lost, or from before counters), every later
 *    one reads the counters.
 * 2. The /stats overview (all time, 30 days, 7 days) with M more deliveries in the database
 *    (default 1,000,000 in 200 campaigns), their counters made by a reconcile (as after an upgrade).
 *
 *   MONGODB_URI=mongodb://127.0.0.1:34247/x REDIS_URL=redis://127.0.0.1:6379 \
 *     npx tsx scripts/bench-stats.ts [--n 100000] [--m 1000000] [--campaigns 200] [--repeat 10]
 *
 * Prints, per call: median and p95 (ms), MongoDB commands and Redis commands per call.
 */
import { Redis } from 'ioredis';
import { createModels, type Models } from '../src/db/models.js';
import { createLogger } from '../src/logger.js';
import { createServices } from '../src/services/index.js';
import { arg, median, withBenchDb } from './lib/bench.js';

const N = Number(arg('n', '100000'));
const M = Number(arg('m', '1000000'));
const CAMPAIGNS = Number(arg('campaigns', '200'));
const REPEAT = Number(arg('repeat', '10'));
const HOUR = 3_600_000;

const p95 = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1] ?? 0;

/** A published campaign with `runs` runs that started `daysAgo` days ago. */
async function campaign(models: Models, id: number, runs: number, total: number, daysAgo: number) {
  const started = (r: number) => new Date(Date.now() - daysAgo * 86_400_000 + r * HOUR);
  await models.Campaign.collection.insertOne({
    _id: id as never,
    name: `Bench ${id}`,
    nameLower: `bench ${id}`,
    platform: id % 2 === 0 ? 'whatsapp' : 'telegram',
    type: 'promotional',
    status: 'published',
    settings: {},
    message: { text: 'Hello [Name], see https://example.com/offer' },
    audience: { kind: 'whatsapp', all: true, segments: [], contactIds: [] },
    schedule: { zone: 'UTC', frequency: runs > 1 ? 'daily' : 'none' },
    run: runs,
    runs: Array.from({ length: runs }, (_, i) => ({
      run: i + 1,
      startedAt: started(i * 24),
      finishedAt: started(i * 24 + 1),
      outcome: 'published',
      total: Math.ceil(total / runs),
      sent: 0,
      failed: 0,
      unknown: 0,
    })),
    dispatch: { total: Math.ceil(total / runs), cursor: 0, pass: 0, expandedRun: runs },
    createdAt: started(0),
    updatedAt: started(0),
  });
}

/** `count` deliveries of a campaign over `runs` runs, with the seed's mix of outcomes and engagement. */
async function deliveries(models: Models, id: number, runs: number, count: number, daysAgo: number) {
  const start = Date.now() - daysAgo * 86_400_000;
  for (let i = 0; i < count; i += 2000) {
    const docs = Array.from({ length: Math.min(2000, count - i) }, (_, k) => {
      const n = i + k;
      const run = (n % runs) + 1;
      const at = new Date(start + (run - 1) * 24 * HOUR + (n % 3600) * 1000);
      const failed = n % 78 === 0;
      return {
        campaignId: id,
        run,
        recipient: `wa:+4915${String(id).padStart(4, '0')}${String(n).padStart(7, '0')}`,
        seq: n,
        platform: 'whatsapp',
        status: failed ? 'failed' : n % 6 === 0 ? 'delivered' : n % 5 === 0 ? 'sent' : 'read',
        ...(failed ? { reason: n % 156 === 0 ? 'invalid_number' : 'network', failedAt: at } : { sentAt: at }),
        attempts: 1,
        clicks: n % 3 === 0 ? 1 : 0,
        ...(n % 3 === 0 ? { clickedAt: new Date(at.getTime() + 600_000) } : {}),
        ...(n % 7 === 0 ? { respondedAt: at, responseMs: 60_000 * (n % 30) } : {}),
        ...(n % 20 === 0 ? { convertedAt: at } : {}),
        createdAt: at,
        updatedAt: at,
      };
    });
    await models.Delivery.collection.insertMany(docs as never[], { ordered: false });
  }
}

await withBenchDb(
  'bench_stats',
  async (conn) => {
    let mongoCommands = 0;
    conn.getClient().on('commandStarted', () => mongoCommands++);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const probe = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const redisCalls = async () => {
      const info = await probe.info('commandstats');
      return [...info.matchAll(/calls=(\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
    };
    const models = await createModels(conn);
    const logger = createLogger('silent');
    const services = createServices({
      models,
      logger,
      redis,
      config: { ADMIN_IDS: [1], DEFAULT_TIMEZONE: 'UTC' },
    });
    const { analytics, figures } = services;

    const time = async (name: string, fn: () => Promise<unknown>, repeat = REPEAT) => {
      const samples: number[] = [];
      let mongo = 0;
      let calls = 0;
      for (let r = 0; r < repeat; r++) {
        const m0 = mongoCommands;
        const c0 = await redisCalls();
        const t0 = performance.now();
        await fn();
        samples.push(performance.now() - t0);
        mongo = mongoCommands - m0;
        calls = (await redisCalls()) - c0 - 1; // the INFO call itself
      }
      console.log(
        `${name.padEnd(44)} median ${median(samples).toFixed(1).padStart(8)} ms   p95 ${p95(samples)
          .toFixed(1)
          .padStart(8)} ms   ${mongo} MongoDB + ${calls} Redis commands per call`,
      );
    };
    const screen = (id: number) =>
      Promise.all([analytics.campaignReport(id), analytics.timeline(id, 'Europe/Berlin')]);

    // 1. One campaign with N deliveries.
    const one = 1;
    let t = performance.now();
    await campaign(models, one, 2, N, 3);
    await deliveries(models, one, 2, N, 3);
    console.log(
      `inserted ${N} deliveries of campaign ${one} in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    await time(`/stats ${one} (${N} deliveries), first: recount`, () => screen(one), 1);
    await time(`/stats ${one} (${N} deliveries), from counters`, () => screen(one));
    await time(`campaignStats ${one}`, () => analytics.campaignStats(one));

    // 2. The overview with M more deliveries in the database.
    t = performance.now();
    const per = Math.ceil(M / CAMPAIGNS);
    for (let c = 0; c < CAMPAIGNS; c++) {
      const id = 100 + c;
      const daysAgo = 1 + (c % 60);
      await campaign(models, id, 1, per, daysAgo);
      await deliveries(models, id, 1, per, daysAgo);
    }
    console.log(
      `inserted ${per * CAMPAIGNS} deliveries of ${CAMPAIGNS} campaigns in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    t = performance.now();
    const report = await figures.reconcile({ repair: true });
    console.log(
      `reconcile made their counters: ${report.runs} runs recounted in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const total = await models.Delivery.estimatedDocumentCount();
    await time(`overview, all time (${total} deliveries)`, () => analytics.overview());
    await time('overview, 30 days', () => analytics.overview({ days: 30 }));
    await time('overview, 7 days', () => analytics.overview({ days: 7 }));
    await time(`/stats ${one} again (${total} deliveries in all)`, () => screen(one));
    await services.counters.close();
    const keys = await redis.keys(`mb:${conn.name}:*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    redis.disconnect();
    probe.disconnect();
  },
  { monitorCommands: true },
);
