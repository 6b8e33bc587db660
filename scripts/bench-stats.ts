/**
 * Analytics benchmark: how long one campaign's figures (/stats <id>) take over N deliveries, on the
 * real FerretDB/MongoDB from MONGODB_URI. FerretDB 1.24 (SQLite) scans the whole collection for
 * every query, so the number of queries per figure set is what matters.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:34247/x npx tsx scripts/bench-stats.ts [--n 7000] [--repeat 3]
 *
 * Prints the N, the database commands one campaignStats() call made and the time per call
 * (median of --repeat), then the same for the /stats overview (all campaigns, 30 days).
 */
import { createModels } from '../src/db/models.js';
import { createLogger } from '../src/logger.js';
import { createAnalyticsService } from '../src/services/analytics.service.js';
import { arg, median, withBenchDb } from './lib/bench.js';

const N = Number(arg('n', '7000'));
const REPEAT = Number(arg('repeat', '3'));

await withBenchDb(
  'bench_stats',
  async (conn) => {
    let commands = 0;
    conn.getClient().on('commandStarted', (e) => {
      if (e.commandName === 'aggregate' || e.commandName === 'count' || e.commandName === 'find') commands++;
    });
    const models = await createModels(conn);
    const id = 4242;
    await models.Campaign.collection.insertOne({
      _id: id as never,
      name: 'Bench',
      nameLower: 'bench',
      platform: 'whatsapp',
      type: 'promotional',
      status: 'published',
      settings: {},
      message: { text: 'x' },
      audience: { kind: 'whatsapp', all: true, segments: [], contactIds: [], importedPhones: [] },
      schedule: { zone: 'UTC', frequency: 'once' },
      run: 0,
    });
    const now = Date.now();
    const docs = Array.from({ length: N }, (_, i) => {
      const at = new Date(now - (i % 48) * 3_600_000);
      const failed = i % 78 === 0;
      return {
        campaignId: id,
        run: i % 2,
        recipient: `wa:+4915100${String(i).padStart(6, '0')}`,
        seq: i,
        platform: 'whatsapp',
        status: failed ? 'failed' : i % 6 === 0 ? 'delivered' : 'read',
        ...(failed ? { reason: i % 156 === 0 ? 'invalid_number' : 'network', failedAt: at } : { sentAt: at }),
        attempts: 1,
        clicks: i % 3 === 0 ? 1 : 0,
        ...(i % 3 === 0 ? { clickedAt: at } : {}),
        ...(i % 7 === 0 ? { respondedAt: at, responseMs: 60_000 * (i % 30) } : {}),
        ...(i % 20 === 0 ? { convertedAt: at } : {}),
        createdAt: at,
        updatedAt: at,
      };
    });
    for (let i = 0; i < docs.length; i += 1000) {
      await models.Delivery.collection.insertMany(docs.slice(i, i + 1000) as never[], { ordered: false });
    }

    const analytics = createAnalyticsService({ models, logger: createLogger('silent') });
    const time = async (name: string, fn: () => Promise<unknown>) => {
      const samples: number[] = [];
      let perCall = 0;
      for (let r = 0; r < REPEAT; r++) {
        const before = commands;
        const t0 = performance.now();
        await fn();
        samples.push(performance.now() - t0);
        perCall = commands - before;
      }
      console.log(
        `${name}: N=${N} deliveries, ${perCall} queries per call, ${(median(samples) / 1000).toFixed(2)} s (median of ${REPEAT})`,
      );
    };
    await time('campaignStats', () => analytics.campaignStats(id));
    const overview = (analytics as { overview?: (q: { days?: number }) => Promise<unknown> }).overview;
    if (overview) await time('overview (30 days)', () => overview({ days: 30 }));
  },
  { monitorCommands: true },
);
