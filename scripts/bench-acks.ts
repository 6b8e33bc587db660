/**
 * WhatsApp receipt benchmark: how long applying one receipt (sent → delivered) takes with N WhatsApp
 * deliveries in the database, on the real FerretDB/MongoDB from MONGODB_URI. A receipt carries only
 * WhatsApp's message id; it finds its delivery through the `whatsapp_message_ids` link (by _id), or,
 * for a message without a link, by the `messageId` field of all deliveries.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:34247/x REDIS_URL=redis://127.0.0.1:6379 npx tsx scripts/bench-acks.ts [--n 20000] [--repeat 5]
 *
 * Prints the median time per receipt both ways.
 */
import { Redis } from 'ioredis';
import { createCounterStore } from '../src/db/counter.store.js';
import { deliveryId, WHATSAPP_MESSAGE_IDS } from '../src/db/dispatch.repository.js';
import { createModels } from '../src/db/models.js';
import { createReceiptRepository, WA_ACK } from '../src/db/receipt.repository.js';
import { createLogger } from '../src/logger.js';
import { arg, benchCampaign, median, withBenchDb } from './lib/bench.js';

const N = Number(arg('n', '20000'));
const REPEAT = Number(arg('repeat', '5'));

await withBenchDb('bench_acks', async (conn) => {
  const models = await createModels(conn);
  const campaignId = 4242;
  await benchCampaign(models, campaignId, 'Receipts');
  const links = conn.db!.collection(WHATSAPP_MESSAGE_IDS);
  const messageId = (i: number) => `true_1555${String(i).padStart(7, '0')}@c.us_${i.toString(16)}`;
  for (let i = 0; i < N; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, N - i) }, (_, k) => i + k);
    const rows = batch.map((n) => {
      const recipient = `wa:+1555${String(n).padStart(7, '0')}`;
      return {
        _id: deliveryId(campaignId, 1, recipient),
        campaignId,
        run: 1,
        recipient,
        seq: n,
        platform: 'whatsapp',
        phone: recipient.slice(3),
        status: 'sent',
        messageId: messageId(n),
        clicks: 0,
        createdAt: new Date(),
      };
    });
    await models.Delivery.collection.insertMany(rows as never[]);
    // Every other message has a link; the rest are found by field, as messages sent before links.
    await links.insertMany(
      rows
        .filter((r) => r.seq % 2 === 0)
        .map((r) => ({ _id: r.messageId, delivery: r._id, campaignId })) as never[],
    );
  }
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const counters = createCounterStore(redis, { database: conn.name, logger: createLogger('silent') });
  const repo = createReceiptRepository(models, counters);
  const time = async (pick: (k: number) => number) => {
    const took: number[] = [];
    for (let k = 0; k < REPEAT; k++) {
      const t = performance.now();
      const outcome = await repo.applyAck(messageId(pick(k)), WA_ACK.DEVICE, new Date());
      took.push(performance.now() - t);
      if (outcome !== 'delivered') throw new Error(`receipt not applied: ${outcome}`);
    }
    return median(took);
  };
  // Near the end of the collection (a scan reads nearly everything before it).
  const linked = await time((k) => N - 2 - 2 * k);
  const byField = await time((k) => N - 1 - 2 * k);
  console.log(`WhatsApp receipts, ${N} deliveries (median of ${REPEAT}):`);
  console.log(`  through the message-id link (by _id): ${linked.toFixed(0)} ms per receipt`);
  console.log(`  by the messageId field (no link):     ${byField.toFixed(0)} ms per receipt`);
  await counters.close();
  redis.disconnect();
});
