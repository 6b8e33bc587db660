/**
 * Reply benchmark: how long crediting one incoming reply to its campaign (responses.record) takes
 * with N deliveries in the database, on the real FerretDB/MongoDB from MONGODB_URI and Redis from
 * REDIS_URL. Every private message a subscriber or WhatsApp contact sends goes through it.
 *
 *   MONGODB_URI=… REDIS_URL=… npx tsx scripts/bench-replies.ts [--n 20000] [--repeat 5]
 *
 * Prints the median time per reply: through the senders' reach index (Redis), and by searching
 * the deliveries (without the index, as before it existed), each for a recipient the campaign
 * reached and for one it did not.
 */
import { Redis } from 'ioredis';
import { createCounterStore } from '../src/db/counter.store.js';
import { createDispatchRepository, type DeliveryResult } from '../src/db/dispatch.repository.js';
import { createModels } from '../src/db/models.js';
import { createReachIndex } from '../src/db/reach-index.js';
import { createLogger } from '../src/logger.js';
import { createResponseService } from '../src/services/response.service.js';
import { arg, benchCampaign, median, withBenchDb } from './lib/bench.js';

const N = Number(arg('n', '20000'));
const REPEAT = Number(arg('repeat', '5'));
const HOUR = 3_600_000;
if (!process.env.REDIS_URL) {
  console.error('REDIS_URL must be set (see the usage at the top of this file).');
  process.exit(2);
}

await withBenchDb('bench_replies', async (conn) => {
  const redis = new Redis(process.env.REDIS_URL as string);
  try {
    const models = await createModels(conn);
    const now = Date.now();
    // The index began before the response window, so it answers alone.
    const reach = createReachIndex(redis, {
      database: conn.name,
      ttlMs: 96 * HOUR,
      clock: () => new Date(now - 100 * HOUR),
    });
    const logger = createLogger('silent');
    const counters = createCounterStore(redis, { database: conn.name, logger });
    const repo = createDispatchRepository(models, { counters, reach });
    await benchCampaign(models, 4242, 'Replies');
    const phone = (i: number) => `+1555${String(i).padStart(7, '0')}`;
    const recordTimes: number[] = [];
    for (let i = 0; i < N; i += 1000) {
      const results = Array.from(
        { length: Math.min(1000, N - i) },
        (_, k): DeliveryResult => ({
          item: {
            recipient: `wa:${phone(i + k)}`,
            seq: i + k,
            pass: 0,
            chatId: 0,
            kind: 'private',
            phone: phone(i + k),
            name: '',
          },
          status: 'sent',
          attempts: 1,
          messageId: `wamid.${i + k}`,
          chatId: 0,
          owner: 'bench',
          sendingAt: new Date(now - HOUR),
          at: new Date(now - HOUR),
        }),
      );
      const t = performance.now();
      await repo.recordResults(4242, 1, results);
      recordTimes.push(performance.now() - t);
    }
    const indexed = createResponseService({ models, logger, reach, counters });
    const searching = createResponseService({ models, logger, counters });
    let k = 0;
    const time = async (fn: () => Promise<unknown>) => {
      const took: number[] = [];
      for (let r = 0; r < REPEAT; r++) {
        const t = performance.now();
        await fn();
        took.push(performance.now() - t);
      }
      return median(took).toFixed(0).padStart(6);
    };
    // Replies from the end of the audience (a search reads nearly everything before it).
    const reply = (p: string) => ({
      platform: 'whatsapp' as const,
      phone: p,
      text: 'How much?',
      at: new Date(),
    });
    const reached = () => phone(N - 1 - k++);
    const stranger = () => `+1666${String(k++).padStart(7, '0')}`;
    console.log(
      `Replies, ${N} deliveries (median of ${REPEAT}; recording 1,000 outcomes took ${median(recordTimes).toFixed(0)} ms):`,
    );
    console.log('                                  reached (first reply)   not reached');
    console.log(
      `  through the reach index:       ${await time(() => indexed.record(reply(reached())))} ms             ${await time(() => indexed.record(reply(stranger())))} ms`,
    );
    console.log(
      `  searching the deliveries:      ${await time(() => searching.record(reply(reached())))} ms             ${await time(() => searching.record(reply(stranger())))} ms`,
    );
  } finally {
    await redis.quit();
  }
});
