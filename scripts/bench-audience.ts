/**
 * The admin's audience and contacts screens at scale, on the real FerretDB/MongoDB and Redis from
 * MONGODB_URI and REDIS_URL: the reach estimate the /newcampaign wizard shows on every audience step
 * (and the campaign card before "send now") for typical audiences, and the /contacts screen (segment
 * counts and total, then a page of contacts sorted by phone, all or one segment).
 *
 *   MONGODB_URI=… REDIS_URL=… [PG_DIR=…] npx tsx scripts/bench-audience.ts \
 *     [--subscribers 20000] [--contacts 20000] [--chats 40] [--repeat 15]
 *
 * The data looks like a real install: subscribers (one in nine unsubscribed, one in fifty blocked),
 * contacts in the seed's five segments (one in seven in two), one in forty opted out, one in
 * ninety-seven not on WhatsApp. With PG_DIR (the local cluster of `scripts/services up`) the tables
 * are ANALYZEd, as autovacuum would; otherwise the script waits for autovacuum. Prints, per call:
 * median and p95 (ms), MongoDB and Redis commands per call (Redis's commandstats: the commands a Lua
 * script runs count too); then a few writes that move the counts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { Types } from 'mongoose';
import { createModels } from '../src/db/models.js';
import { type AudienceSpec, defaultAudience, SEGMENTS } from '../src/domain/campaign.js';
import { createLogger } from '../src/logger.js';
import { createServices } from '../src/services/index.js';
import { arg, median, withBenchDb } from './lib/bench.js';

const SUBSCRIBERS = Number(arg('subscribers', '20000'));
const CONTACTS = Number(arg('contacts', '20000'));
const CHATS = Number(arg('chats', '40'));
const REPEAT = Number(arg('repeat', '15'));
/** `--import 0` leaves the import out (before this branch, one with over 50 known numbers hung FerretDB) */
const IMPORT = arg('import', '1') !== '0';

const p95 = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1] ?? 0;
const userId = (i: number) => 1_000_000_000 + i * 250_007;
const phoneOf = (i: number) => `+49151${String(i).padStart(8, '0')}`;
const chatId = (i: number) => -1_001_000_000_000 - i;
const contactId = (i: number) => new Types.ObjectId(i.toString(16).padStart(24, '0'));

async function analyze(schema: string): Promise<void> {
  const dir = process.env.PG_DIR;
  if (!dir) {
    // autovacuum_naptime is 10 s on the local cluster
    await new Promise((resolve) => setTimeout(resolve, 25_000));
    return;
  }
  const sql = `DO $$ DECLARE t record; BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = '${schema}' LOOP
      EXECUTE format('ANALYZE %I.%I', '${schema}', t.tablename);
    END LOOP; END $$`;
  await promisify(execFile)('psql', [
    '-X',
    '-q',
    '-h',
    dir,
    '-U',
    'postgres',
    '-d',
    'marketing_bot',
    '-c',
    sql,
  ]);
}

await withBenchDb(
  'bench_audience',
  async (conn) => {
    let mongoCommands = 0;
    conn.getClient().on('commandStarted', () => mongoCommands++);
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const redis = new Redis(redisUrl);
    const probe = new Redis(redisUrl);
    const redisCalls = async () => {
      const info = await probe.info('commandstats');
      return [...info.matchAll(/calls=(\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
    };
    const models = await createModels(conn);
    const services = createServices({
      models,
      logger: createLogger('silent'),
      redis,
      config: { ADMIN_IDS: [1], DEFAULT_TIMEZONE: 'UTC' },
    });

    const t = performance.now();
    const at = new Date('2026-01-01T00:00:00Z');
    for (let i = 0; i < SUBSCRIBERS; i += 1000) {
      const docs = Array.from({ length: Math.min(1000, SUBSCRIBERS - i) }, (_, k) => {
        const n = i + k;
        return {
          _id: userId(n),
          firstName: `User ${n}`,
          subscribed: n % 9 !== 0,
          subscribedAt: at,
          blocked: n % 50 === 0,
          groups: [chatId(n % CHATS)],
          segments: [],
          createdAt: at,
          updatedAt: at,
        };
      });
      await models.Subscriber.collection.insertMany(docs as never[], { ordered: false });
    }
    for (let i = 0; i < CONTACTS; i += 1000) {
      const docs = Array.from({ length: Math.min(1000, CONTACTS - i) }, (_, k) => {
        const n = i + k;
        return {
          _id: contactId(n + 1),
          phone: phoneOf(n),
          name: `Contact ${n}`,
          segments: [SEGMENTS[n % 5], ...(n % 7 === 0 ? [SEGMENTS[(n + 1) % 5]] : [])],
          optedOut: n % 40 === 0,
          valid: n % 97 !== 0,
          source: 'import',
          createdAt: at,
          updatedAt: at,
        };
      });
      await models.Contact.collection.insertMany(docs as never[], { ordered: false });
    }
    await models.Chat.collection.insertMany(
      Array.from({ length: CHATS }, (_, n) => ({
        _id: chatId(n),
        type: n % 8 === 0 ? 'channel' : 'supergroup',
        title: `Group ${n}`,
        memberCount: 100 + n * 37,
        active: n % 10 !== 9,
        optedOut: false,
        createdAt: at,
        updatedAt: at,
      })) as never[],
    );
    await analyze(conn.name);
    console.log(
      `${SUBSCRIBERS} subscribers, ${CONTACTS} contacts, ${CHATS} chats inserted and analyzed in ` +
        `${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const time = async (name: string, fn: () => Promise<unknown>, repeat = REPEAT) => {
      const samples: number[] = [];
      let mongo = 0;
      let calls = 0;
      let result: unknown;
      for (let r = 0; r < repeat; r++) {
        const m0 = mongoCommands;
        const c0 = await redisCalls();
        const t0 = performance.now();
        result = await fn();
        samples.push(performance.now() - t0);
        mongo = mongoCommands - m0;
        calls = (await redisCalls()) - c0 - 1; // the INFO call itself
      }
      console.log(
        `${name.padEnd(40)} median ${median(samples).toFixed(1).padStart(7)} ms   p95 ${p95(samples)
          .toFixed(1)
          .padStart(
            7,
          )} ms   ${String(mongo).padStart(3)} MongoDB + ${String(calls).padStart(3)} Redis per call` +
          (typeof result === 'number' ? `   → ${result}` : ''),
      );
    };

    const wa = defaultAudience('whatsapp');
    const tg = defaultAudience('telegram');
    const picked = Array.from({ length: 50 }, (_, k) => String(contactId(1 + k * 397)));
    // 100 numbers from a file: half of them known contacts (a few opted out), half new
    const imported = Array.from({ length: 100 }, (_, k) =>
      k % 2 === 0 ? phoneOf(k * 181) : `+49152${String(k).padStart(8, '0')}`,
    );
    const audiences: [string, AudienceSpec][] = [
      ['telegram: all subscribers', { ...tg, allSubscribers: true }],
      [
        'telegram: all + 3 groups',
        { ...tg, allSubscribers: true, groupIds: [chatId(1), chatId(2), chatId(3)] },
      ],
      [
        'telegram: 5 groups and a channel',
        { ...tg, groupIds: [1, 2, 3, 4, 5].map(chatId), channelIds: [chatId(8)] },
      ],
      [
        'telegram: 50 picked subscribers',
        { ...tg, directSubscriberIds: picked.map((_, k) => userId(k * 397)) },
      ],
      ['whatsapp: all contacts', wa],
      ['whatsapp: two segments', { ...wa, all: false, segments: [SEGMENTS[0], SEGMENTS[3]] }],
      ['whatsapp: 50 picked contacts', { ...wa, all: false, contactIds: picked }],
      ['whatsapp: 100 imported numbers', { ...wa, all: false, importedPhones: imported }],
      [
        'whatsapp: segment + picked + imported',
        { ...wa, all: false, segments: [SEGMENTS[1]], contactIds: picked, importedPhones: imported },
      ],
    ];

    console.log('\nreach estimate (audience step of /newcampaign, campaign card):');
    // The first reads on a database without audience counts build them (once, from MongoDB).
    await time(
      'first estimates (all subscribers, all contacts)',
      () =>
        Promise.all([
          services.audience.estimateReach({ ...tg, allSubscribers: true }),
          services.audience.estimateReach(wa),
        ]),
      1,
    );
    for (const [name, spec] of audiences) await time(name, () => services.audience.estimateReach(spec));

    console.log('\n/contacts:');
    await time('overview (segment counts + total)', () =>
      Promise.all([services.contacts.segmentCounts(), services.contacts.list({ page: 1, pageSize: 1 })]),
    );
    await time('page 37 of all, by phone', () => services.contacts.list({ page: 37, pageSize: 10 }));
    await time(`page 12 of ${SEGMENTS[2]}`, () =>
      services.contacts.list({ segment: SEGMENTS[2], page: 12, pageSize: 10 }),
    );

    const audienceKeys = await redis.keys(`mb:${conn.name}:aud:*`);
    let bytes = 0;
    for (const k of audienceKeys) bytes += Number(await redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0'));
    if (audienceKeys.length > 0) {
      console.log(
        `\naudience counts in Redis: ${(bytes / 1e6).toFixed(1)} MB in ${audienceKeys.length} keys (MEMORY USAGE)`,
      );
    }

    console.log('\nwrites that move the counts:');
    let next = 0;
    await time('/start then /stop (one subscriber)', async () => {
      const id = userId(9 * (next++ + 1)); // an unsubscribed one
      await services.subscribers.subscribe({ id, first_name: 'Again' });
      await services.subscribers.unsubscribe(id);
    });
    await time('opt-out (one contact)', () => services.contacts.optOut(phoneOf(3 + 40 * next++)));
    let batch = 0;
    if (IMPORT)
      await time(
        'import 200 contacts (100 new)',
        () =>
          services.contacts
            .importContacts(
              Array.from({ length: 200 }, (_, k) => ({
                line: k + 2,
                phone:
                  k % 2 === 0
                    ? phoneOf(batch * 200 + k)
                    : `+49176${String(batch * 200 + k).padStart(8, '0')}`,
                segments: [SEGMENTS[4]],
              })),
              {},
            )
            .then(() => {
              batch++;
            }),
        3,
      );
    await services.counters.close();
    const keys = await redis.keys(`mb:${conn.name}:*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    redis.disconnect();
    probe.disconnect();
  },
  { monitorCommands: true },
);
