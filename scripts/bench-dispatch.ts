/**
 * Dispatcher benchmark: one campaign to N subscribers, sent by a dispatcher in its own process
 * against the Bot API emulator (enforcing Telegram's limits: more than the ceiling in any sliding
 * second, or 2 messages to one private chat within a second, is answered 429) and the real
 * FerretDB/MongoDB and Redis from MONGODB_URI / REDIS_URL. Then the same with
 * @grammyjs/transformer-throttler doing the limiting instead of our Redis limiters.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:46549/x REDIS_URL=redis://127.0.0.1:46303 \
 *     npx tsx scripts/bench-dispatch.ts [--n 10000] [--rate 30] [--latency 40] [--mode both|ours|throttler]
 *       [--headroom 0.98] [--gaps] [--child-heap MB] [--live-heap]
 *
 * Prints, per mode: achieved rate ÷ ceiling (first to last accepted send), 429s (global and
 * per-chat, as the emulator counted them), per-chat violations seen in the record, the
 * dispatcher's peak RSS, and database commands per delivery (driver command monitoring). The JSON
 * line also has the peaks of the V8 heap (held and used) and of buffers outside it, and with
 * --live-heap the largest heap still in use after a full collection (sampled every 5 s).
 */
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { createModels } from '../src/db/models.js';
import { defaultSettings } from '../src/domain/campaign.js';
import { type ChildStats, spawnDispatcher } from '../test/dispatch/helpers.js';
import { BotApiEmulator } from '../test/support/bot-api-emulator.js';

const TOKEN = '1000001:AAbench-dispatch-emulator-token';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const N = Number(arg('n', '10000'));
const RATE = Number(arg('rate', '30'));
const LATENCY = Number(arg('latency', '40'));
const MODE = arg('mode', 'both');
const HEADROOM = arg('headroom', '');
/** caps the dispatcher's V8 heap: a run that finishes under a small cap keeps no per-recipient state */
const CHILD_HEAP = arg('child-heap', '');
/** every 5 s a full GC in the dispatcher, then the heap it still uses (pauses it: not for rate runs) */
const LIVE_HEAP = process.argv.includes('--live-heap');
const mongoUri = process.env.MONGODB_URI;
const redisUrl = process.env.REDIS_URL;
if (!mongoUri || !redisUrl) {
  console.error('MONGODB_URI and REDIS_URL must be set (see the usage at the top of this file).');
  process.exit(2);
}

interface Result {
  mode: string;
  delivered: number;
  seconds: number;
  rate: number;
  ratio: number;
  global429: number;
  chat429: number;
  chatViolations: number;
  peakRssMb: number;
  /** peaks of the heap V8 holds, the heap in use, and buffers outside the heap (MB) */
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
  liveHeapMb?: number;
  dbCommandsPerDelivery: number;
  commands: Record<string, number>;
  wallSeconds: number;
}

const mb = (bytes = 0) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function run(mode: 'ours' | 'throttler'): Promise<Result> {
  const dbName = `bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(mongoUri as string);
  url.pathname = `/${dbName}`;
  const conn = mongoose.createConnection(url.toString());
  await conn.asPromise();
  const models = await createModels(conn);
  const emulator = new BotApiEmulator({ token: TOKEN });
  await emulator.start();
  try {
    const ids = Array.from({ length: N }, (_, i) => 5_000_000 + i);
    for (let i = 0; i < N; i += 1000) {
      await models.Subscriber.insertMany(
        ids.slice(i, i + 1000).map((id) => ({ _id: id, firstName: `U${id}`, subscribed: true })),
      );
    }
    for (const id of ids) emulator.addUser({ id, first_name: `U${id}` });
    emulator.enforceRateLimits({ global: RATE });
    emulator.setLatency(LATENCY, 'sendMessage');
    const name = `Bench ${mode}`;
    await models.Campaign.create({
      _id: 1,
      name,
      nameLower: name.toLowerCase(),
      platform: 'telegram',
      status: 'scheduled',
      audience: {
        kind: 'telegram',
        allSubscribers: true,
        groupIds: [],
        channelIds: [],
        directSubscriberIds: [],
      },
      message: { text: 'Hello [Name], this is a *benchmark*.' },
      schedule: { at: new Date(), zone: 'UTC', frequency: 'none' },
      settings: defaultSettings('telegram'),
    });

    const started = Date.now();
    const benchLoop = monitorEventLoopDelay({ resolution: 5 });
    benchLoop.enable();
    const child = spawnDispatcher(
      {
        BOT_TOKEN: TOKEN,
        ADMIN_IDS: '1',
        MONGODB_URI: url.toString(),
        REDIS_URL: redisUrl as string,
        TELEGRAM_API_ROOT: emulator.apiRoot,
        TELEGRAM_GLOBAL_RATE: String(RATE),
        LOG_LEVEL: 'warn',
        DISPATCHER_ID: `bench-${mode}`,
        LIMITER_NAMESPACE: `bench:${randomBytes(4).toString('hex')}`,
        ...(mode === 'throttler' ? { THROTTLER: '1' } : {}),
        ...(HEADROOM ? { LIMITER_HEADROOM: HEADROOM } : {}),
        ...(CHILD_HEAP || LIVE_HEAP
          ? {
              NODE_OPTIONS: [
                CHILD_HEAP ? `--max-old-space-size=${CHILD_HEAP}` : '',
                LIVE_HEAP ? '--expose-gc' : '',
              ].join(' '),
            }
          : {}),
        ...(LIVE_HEAP ? { MEMORY_PROBE_MS: '5000' } : {}),
        ...(process.argv.includes('--gaps') ? { TRACE_SENDS: '1' } : {}),
      },
      (line) => process.stderr.write(`[${mode}] ${line}\n`),
    );
    await child.ready;
    let lastReport = Date.now();
    for (;;) {
      const doc = await models.Campaign.findById(1, { status: 1, counters: 1 }).lean().exec();
      if (doc && (doc.status === 'published' || doc.status === 'failed' || doc.status === 'paused')) break;
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        const ok = emulator.calls.filter((c) => c.method === 'sendMessage' && c.response.ok).length;
        process.stderr.write(
          `[${mode}] ${ok}/${N} sent after ${Math.round((Date.now() - started) / 1000)} s\n`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const stats: ChildStats | undefined = await child.stop();
    const wallSeconds = (Date.now() - started) / 1000;
    benchLoop.disable();
    if (process.argv.includes('--gaps')) {
      const ms = (h: { percentile(p: number): number; max: number }) =>
        `p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms, max ${(h.max / 1e6).toFixed(1)} ms`;
      process.stderr.write(
        `[${mode}] event loop delay: dispatcher ${stats ? `p99 ${stats.eventLoopDelayMs.p99.toFixed(1)} ms, max ${stats.eventLoopDelayMs.max.toFixed(1)} ms` : '?'}; emulator (this process) ${ms(benchLoop)}\n`,
      );
    }

    const accepted = emulator.calls
      .filter((c) => c.method === 'sendMessage' && c.response.ok)
      .map((c) => c.at);
    accepted.sort((a, b) => a - b);
    const seconds = accepted.length > 1 ? ((accepted.at(-1) as number) - (accepted[0] as number)) / 1000 : 0;
    const rate = seconds > 0 ? (accepted.length - 1) / seconds : 0;
    if (process.argv.includes('--gaps')) {
      for (const c of emulator.calls) {
        if (c.method !== 'sendMessage' || c.response.ok) continue;
        const window = accepted.filter((t) => t > c.at - 1000 && t <= c.at);
        const w0 = window[0] ?? c.at;
        process.stderr.write(
          `[${mode}] 429 at +${c.at - (accepted[0] as number)} ms; the ${window.length} accepted before it ` +
            `within 1 s arrived at +ms: ${window.map((t) => t - w0).join(' ')} (429 at +${c.at - w0})\n`,
        );
      }
      // From leaving the dispatcher (its grammY transformer) to arriving at the emulator.
      const left = new Map<number, number[]>();
      for (const [chat, t] of stats?.sendTimes ?? []) left.set(chat, [...(left.get(chat) ?? []), t]);
      const transit: number[] = [];
      const seen = new Map<number, number>();
      for (const c of emulator.calls) {
        if (c.method !== 'sendMessage' || c.chatId === undefined) continue;
        const i = seen.get(c.chatId) ?? 0;
        seen.set(c.chatId, i + 1);
        const t = left.get(c.chatId)?.[i];
        if (t !== undefined) transit.push(c.at - t);
      }
      transit.sort((a, b) => a - b);
      const q = (p: number) => transit[Math.min(transit.length - 1, Math.floor(p * transit.length))] ?? 0;
      process.stderr.write(
        `[${mode}] transit dispatcher → emulator: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, p99.9 ${q(0.999)} ms, max ${transit.at(-1) ?? 0} ms; over 15 ms: ${transit.filter((t) => t > 15).length}\n`,
      );
      const gaps = accepted.slice(1).map((t, i) => t - (accepted[i] as number));
      const ideal = 1000 / RATE;
      const slow = gaps.map((g, i) => ({ g, i })).filter(({ g }) => g > ideal * 1.5);
      const excess = slow.reduce((a, { g }) => a + g - ideal, 0);
      process.stderr.write(
        `[${mode}] ${slow.length} gaps over ${(ideal * 1.5).toFixed(0)} ms cost ${Math.round(excess)} ms; ` +
          `largest: ${slow
            .sort((a, b) => b.g - a.g)
            .slice(0, 12)
            .map(({ g, i }) => `${g}@${i}`)
            .join(' ')}\n`,
      );
    }
    const perChat = new Map<number, number[]>();
    for (const c of emulator.calls) {
      if (c.method !== 'sendMessage' || !c.response.ok || c.chatId === undefined) continue;
      perChat.set(c.chatId, [...(perChat.get(c.chatId) ?? []), c.at]);
    }
    let chatViolations = 0;
    for (const times of perChat.values()) {
      times.sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++)
        if ((times[i] as number) - (times[i - 1] as number) < 1000) chatViolations++;
    }
    const commands = stats?.commands ?? {};
    const total = Object.values(commands).reduce((a, b) => a + b, 0);
    return {
      mode,
      delivered: accepted.length,
      seconds: Math.round(seconds * 10) / 10,
      rate: Math.round(rate * 100) / 100,
      ratio: Math.round((rate / RATE) * 1000) / 1000,
      global429: emulator.rateLimitHits.global,
      chat429: emulator.rateLimitHits.chat,
      chatViolations,
      peakRssMb: mb(stats?.peakRss),
      heapTotalMb: mb(stats?.peaks.heapTotal),
      heapUsedMb: mb(stats?.peaks.heapUsed),
      externalMb: mb(stats?.peaks.external),
      ...(stats?.peakLiveHeap ? { liveHeapMb: mb(stats.peakLiveHeap) } : {}),
      dbCommandsPerDelivery: Math.round((total / Math.max(1, N)) * 1000) / 1000,
      commands,
      wallSeconds: Math.round(wallSeconds),
    };
  } finally {
    await emulator.stop();
    await conn.dropDatabase().catch(() => {});
    await conn.close();
  }
}

const modes: ('ours' | 'throttler')[] =
  MODE === 'both' ? ['ours', 'throttler'] : [MODE as 'ours' | 'throttler'];
console.log(`dispatch benchmark: ${N} recipients, ceiling ${RATE}/s, emulator latency ${LATENCY} ms`);
const results: Result[] = [];
for (const mode of modes) {
  const r = await run(mode);
  results.push(r);
  console.log(JSON.stringify(r));
}
console.log('');
console.log(
  'mode       delivered  rate/s  ÷ceiling  429 global  429 chat  chat violations  peak RSS MB  db cmds/delivery',
);
for (const r of results) {
  console.log(
    [
      r.mode.padEnd(10),
      String(r.delivered).padStart(9),
      r.rate.toFixed(2).padStart(7),
      r.ratio.toFixed(3).padStart(9),
      String(r.global429).padStart(11),
      String(r.chat429).padStart(9),
      String(r.chatViolations).padStart(16),
      r.peakRssMb.toFixed(1).padStart(12),
      r.dbCommandsPerDelivery.toFixed(3).padStart(17),
    ].join(' '),
  );
}
process.exit(0);
