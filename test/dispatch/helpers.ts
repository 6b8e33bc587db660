import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { Redis } from 'ioredis';
import { type Config, loadConfig } from '../../src/config.js';
import { createModels, type Models } from '../../src/db/models.js';
import { createDispatcher, type Dispatcher, type DispatcherDeps } from '../../src/dispatch/dispatcher.js';
import type { Translate } from '../../src/dispatch/types.js';
import { defaultSettings, type TelegramAudience, type TelegramSettings } from '../../src/domain/campaign.js';
import { BotApiEmulator } from '../support/bot-api-emulator.js';
import {
  createTestDb,
  createTestRedis,
  runCounters,
  type TestDb,
  testLogger,
  testRedisUrl,
  uniqueName,
} from '../support/services.js';

export const TOKEN = '1000001:AAdispatch-test-emulator-token';
export const ADMIN_ID = 9001;
const LOCALES = fileURLToPath(new URL('../../locales', import.meta.url));

/** The real en/ru dispatch.ftl through @grammyjs/i18n, as the bot wires it. */
export function createTranslate(): Translate {
  const i18n = new I18n({ defaultLocale: 'en', fluentBundleOptions: { useIsolating: false } });
  i18n.loadLocaleSync('en', { filePath: `${LOCALES}/en/dispatch.ftl` });
  i18n.loadLocaleSync('ru', { filePath: `${LOCALES}/ru/dispatch.ftl` });
  return (locale, key, params) => i18n.t(locale, key, params);
}

export interface Env {
  db: TestDb;
  redis: Redis;
  models: Models;
  emulator: BotApiEmulator;
  translate: Translate;
  config(overrides?: Record<string, string>): Config;
  close(): Promise<void>;
}

export async function createEnv(): Promise<Env> {
  const db = await createTestDb();
  const models = await createModels(db.conn);
  const emulator = new BotApiEmulator({ token: TOKEN });
  await emulator.start();
  emulator.addUser({ id: ADMIN_ID, first_name: 'Ada' });
  const redis = createTestRedis();
  return {
    db,
    redis,
    models,
    emulator,
    translate: createTranslate(),
    config: (overrides = {}) =>
      loadConfig({
        BOT_TOKEN: TOKEN,
        ADMIN_IDS: String(ADMIN_ID),
        MONGODB_URI: db.uri,
        REDIS_URL: testRedisUrl(),
        TELEGRAM_API_ROOT: emulator.apiRoot,
        TELEGRAM_GLOBAL_RATE: '500',
        SCHEDULER_TICK_MS: '100',
        LEASE_SECONDS: '5',
        SEND_MAX_ATTEMPTS: '3',
        DISPATCHER_ID: uniqueName('d'),
        ...overrides,
      }),
    async close() {
      await emulator.stop();
      redis.disconnect();
      await db.drop();
    },
  };
}

const running = new Set<Dispatcher>();

/** Stops every dispatcher a test started (afterEach), so a failed test cannot leak one into the next. */
export async function stopDispatchers(): Promise<void> {
  await Promise.all([...running].map((d) => d.stop()));
  running.clear();
}

export function startDispatcher(
  env: Env,
  overrides: Record<string, string> = {},
  extra: Partial<DispatcherDeps> = {},
): Dispatcher {
  const dispatcher = createDispatcher({
    config: env.config(overrides),
    logger: testLogger,
    models: env.models,
    translate: env.translate,
    tuning: {
      controlIntervalMs: 150,
      retryBaseMs: 30,
      progressIntervalMs: 200,
      limiterNamespace: uniqueName('tg'),
      ...extra.tuning,
    },
    ...extra,
  });
  running.add(dispatcher);
  return dispatcher;
}

let nextUserId = 100_000;
let nextGroupId = 1_000;

/** Subscribers in the database and as private chats in the emulator. */
export async function addSubscribers(env: Env, n: number, prefix = 'User'): Promise<number[]> {
  const ids = Array.from({ length: n }, () => nextUserId++);
  await env.models.Subscriber.insertMany(
    ids.map((id, i) => ({ _id: id, firstName: `${prefix}${i}`, subscribed: true, subscribedAt: new Date() })),
  );
  for (const [i, id] of ids.entries()) env.emulator.addUser({ id, first_name: `${prefix}${i}` });
  return ids;
}

export async function addGroups(
  env: Env,
  n: number,
  type: 'group' | 'supergroup' | 'channel' = 'supergroup',
): Promise<number[]> {
  const ids = Array.from({ length: n }, () => -(1_000_000_000_000 + nextGroupId++));
  await env.models.Chat.insertMany(
    ids.map((id, i) => ({ _id: id, type, title: `Group ${i}`, canPin: true })),
  );
  for (const [i, id] of ids.entries()) {
    env.emulator.addChat({ id, type, title: `Group ${i}`, botStatus: 'administrator' });
  }
  return ids;
}

let nextCampaignId = 1;

export interface CampaignInit {
  text?: string;
  audience?: Partial<TelegramAudience>;
  settings?: Partial<TelegramSettings>;
  status?: 'scheduled' | 'sending' | 'draft';
  at?: Date;
  startedBy?: number;
  schedule?: Record<string, unknown>;
  name?: string;
}

/** A campaign document as the campaign service leaves it for the dispatcher ("send now" by default). */
export async function createCampaign(env: Env, init: CampaignInit = {}): Promise<number> {
  const id = nextCampaignId++ + Math.floor(Math.random() * 1000) * 1000;
  const name = init.name ?? `Campaign ${id}`;
  await env.models.Campaign.create({
    _id: id,
    name,
    nameLower: name.toLowerCase(),
    platform: 'telegram',
    type: 'promotional',
    status: init.status ?? 'scheduled',
    audience: {
      kind: 'telegram',
      allSubscribers: false,
      groupIds: [],
      channelIds: [],
      directSubscriberIds: [],
      ...init.audience,
    },
    message: { text: init.text ?? 'Hello [Name], *sale* today!' },
    schedule: { at: init.at ?? new Date(), zone: 'UTC', frequency: 'none', ...init.schedule },
    settings: { ...defaultSettings('telegram'), ...init.settings },
    ...(init.startedBy === undefined ? {} : { startedBy: init.startedBy }),
    createdBy: ADMIN_ID,
  });
  return id;
}

/** The campaign document, with the current run's counters (from the counter store). */
export async function campaignDoc(env: Env, id: number) {
  const doc = await env.models.Campaign.findById(id).lean().exec();
  if (!doc) throw new Error(`campaign ${id} not found`);
  const counters = await runCounters(env.redis, env.models.Campaign.db.name, id, doc.run);
  return { ...doc, counters } as unknown as {
    status: string;
    run: number;
    runs: { run: number; outcome?: string; total: number; sent: number; failed: number; unknown: number }[];
    counters: { total: number; sent: number; failed: number; unknown: number };
    schedule: { at?: Date };
    pauseReason?: string;
    lease?: { owner?: string };
    progress?: { chatId?: number; messageId?: number };
    lastError?: string;
  };
}

export async function waitForStatus(
  env: Env,
  id: number,
  statuses: readonly string[],
  timeoutMs = 20_000,
  extra: (doc: Awaited<ReturnType<typeof campaignDoc>>) => boolean = () => true,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const doc = await campaignDoc(env, id);
    if (statuses.includes(doc.status) && extra(doc)) return doc;
    if (Date.now() > until) {
      throw new Error(
        `campaign ${id} stayed ${doc.status} (wanted ${statuses.join('|')}): ${JSON.stringify(doc.counters)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function deliveriesOf(env: Env, campaignId: number, run?: number) {
  return (await env.models.Delivery.find({ campaignId, ...(run === undefined ? {} : { run }) })
    .lean()
    .exec()) as unknown as {
    recipient: string;
    chatId: number;
    status: string;
    reason?: string;
    run: number;
    messageId?: string;
    seq: number;
  }[];
}

/** Successful campaign sends per chat, from the emulator's record (progress messages excluded). */
const SEND_METHODS = ['sendMessage', 'sendPhoto', 'sendVideo', 'sendDocument'];

/** The emulator's accepted sends to these chats, in the order they were answered. */
function* acceptedSends(env: Env, chats: readonly number[]) {
  const wanted = new Set(chats);
  for (const c of env.emulator.calls) {
    if (c.chatId === undefined || !wanted.has(c.chatId) || !c.response.ok) continue;
    if (SEND_METHODS.includes(c.method)) yield c as typeof c & { chatId: number };
  }
}

export function sendsPerChat(env: Env, chats: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const c of acceptedSends(env, chats)) counts.set(c.chatId, (counts.get(c.chatId) ?? 0) + 1);
  return counts;
}

/** Which client (`apiRootFor`) made the accepted send to each chat (the last one, if several). */
export function sendersPerChat(env: Env, chats: readonly number[]): Map<number, string | undefined> {
  const senders = new Map<number, string | undefined>();
  for (const c of acceptedSends(env, chats)) senders.set(c.chatId, c.client);
  return senders;
}

const FIXTURE = fileURLToPath(new URL('./fixtures/dispatcher-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildDispatcher {
  process: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  /** SIGTERM, then the STATS line the child prints while stopping cleanly. */
  stop(): Promise<ChildStats | undefined>;
}

export interface ChildStats {
  peakRss: number;
  peaks: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  peakLiveHeap?: number;
  /** [chat id, when its sendMessage left] with TRACE_SENDS=1 */
  sendTimes?: [number, number][];
  commands: Record<string, number>;
  metrics: string;
  eventLoopDelayMs: { p99: number; max: number };
}

const children = new Set<ChildProcess>();

/** Kills every child dispatcher still running (afterAll), so a failed test leaves none behind. */
export function killChildren(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

/** A dispatcher in a child process (tsx), configured like the real one through its environment. */
export function spawnDispatcher(vars: Record<string, string>, log?: (line: string) => void): ChildDispatcher {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    cwd: ROOT,
    env: { ...process.env, ...vars },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let stats: ChildStats | undefined;
  let markReady: () => void = () => {};
  let fail: (err: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    fail = reject;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
      const line = out.slice(0, i);
      out = out.slice(i + 1);
      if (line === 'READY') markReady();
      else if (line.startsWith('STATS ')) stats = JSON.parse(line.slice(6)) as ChildStats;
      else log?.(line);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => log?.(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      fail(new Error(`dispatcher child exited (${code}) before it was ready`));
      resolve(code);
    });
  });
  return {
    process: child,
    ready,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      return stats;
    },
  };
}

/** The environment a child dispatcher needs to reach this test's database, Redis and emulator. */
export function childVars(env: Env, extra: Record<string, string>): Record<string, string> {
  const c = env.config();
  return {
    BOT_TOKEN: TOKEN,
    ADMIN_IDS: String(ADMIN_ID),
    MONGODB_URI: env.db.uri,
    REDIS_URL: c.REDIS_URL,
    TELEGRAM_API_ROOT: env.emulator.apiRoot,
    SCHEDULER_TICK_MS: '200',
    CONTROL_INTERVAL_MS: '250',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}
