import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import { Api } from 'grammy';
import type { Redis } from 'ioredis';
import { type Config, loadConfig } from '../../src/config.js';
import { createModels, type Models } from '../../src/db/models.js';
import type { Translate } from '../../src/dispatch/types.js';
import { defaultSettings, type WhatsAppSettings } from '../../src/domain/campaign.js';
import { createServices, type Services } from '../../src/services/index.js';
import { createWhatsAppRole, type WhatsAppRole, type WhatsAppRoleDeps } from '../../src/whatsapp/role.js';
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

/** Debian's Chromium (scripts/test installs it when missing); CHROME_PATH overrides it. */
export const CHROMIUM = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** Processes whose command line mentions `marker` (a unique session folder), from pgrep -f. */
export function processesWith(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

export const TOKEN = '1000002:AAwhatsapp-test-emulator-token';
export const ADMIN_ID = 9101;
const LOCALES = fileURLToPath(new URL('../../locales', import.meta.url));

/** Every real en/ru locale file through @grammyjs/i18n, as the bot loads them. */
export function createTranslate(): Translate {
  const i18n = new I18n({
    defaultLocale: 'en',
    directory: LOCALES,
    fluentBundleOptions: { useIsolating: false },
  });
  return (locale, key, params) => i18n.t(locale, key, params);
}

export interface WaEnv {
  db: TestDb;
  models: Models;
  services: Services;
  emulator: BotApiEmulator;
  redis: Redis;
  translate: Translate;
  prefix: string;
  config: Config;
  api: Api;
  role(extra: Partial<WhatsAppRoleDeps>): WhatsAppRole;
  close(): Promise<void>;
}

export async function createWaEnv(overrides: Record<string, string> = {}): Promise<WaEnv> {
  const db = await createTestDb();
  const models = await createModels(db.conn);
  const emulator = new BotApiEmulator({ token: TOKEN });
  await emulator.start();
  emulator.addUser({ id: ADMIN_ID, first_name: 'Ada' });
  const config = loadConfig({
    BOT_TOKEN: TOKEN,
    ADMIN_IDS: String(ADMIN_ID),
    MONGODB_URI: db.uri,
    REDIS_URL: testRedisUrl(),
    TELEGRAM_API_ROOT: emulator.apiRoot,
    SCHEDULER_TICK_MS: '100',
    LEASE_SECONDS: '5',
    DISPATCHER_ID: uniqueName('wa'),
    ...overrides,
  });
  const redis = createTestRedis();
  const services = createServices({ models, logger: testLogger, config, redis });
  const translate = createTranslate();
  const prefix = `${uniqueName('wa')}:`;
  const api = new Api(TOKEN, { apiRoot: emulator.apiRoot });
  const roles: WhatsAppRole[] = [];
  return {
    db,
    models,
    services,
    emulator,
    redis,
    translate,
    prefix,
    config,
    api,
    role(extra) {
      const role = createWhatsAppRole({
        config,
        logger: testLogger,
        models,
        services,
        redis,
        api,
        translate,
        keyPrefix: prefix,
        tuning: { controlIntervalMs: 100, progressIntervalMs: 200, ackRetryMs: 100 },
        ...extra,
      });
      roles.push(role);
      return role;
    },
    async close() {
      await Promise.all(roles.map((r) => r.stop()));
      await redis.del(`${prefix}wa:status`, `${prefix}wa:commands`);
      await services.counters.close();
      await redis.quit();
      await emulator.stop();
      await db.drop();
    },
  };
}

let nextId = 1;

/** n contacts with distinct valid German mobile numbers (+49151…). */
export async function addContacts(
  env: WaEnv,
  n: number,
  extra: Record<string, unknown> = {},
): Promise<string[]> {
  const base = 10_000_000 + Math.floor(Math.random() * 80_000_000);
  const phones = Array.from({ length: n }, (_, i) => `+49151${String(base + i).padStart(8, '0')}`);
  await env.models.Contact.insertMany(
    phones.map((phone, i) => ({ phone, name: `Contact ${i}`, segments: ['VIP Customers'], ...extra })),
  );
  return phones;
}

export async function createWaCampaign(
  env: WaEnv,
  init: {
    text?: string;
    settings?: Partial<WhatsAppSettings>;
    media?: Record<string, unknown>;
    status?: 'scheduled' | 'sending' | 'draft';
  } = {},
): Promise<number> {
  const id = 50_000 + nextId++ + Math.floor(Math.random() * 1000) * 100;
  const name = `WA ${id}`;
  await env.models.Campaign.create({
    _id: id,
    name,
    nameLower: name.toLowerCase(),
    platform: 'whatsapp',
    type: 'promotional',
    status: init.status ?? 'scheduled',
    audience: { kind: 'whatsapp', all: true, segments: [], contactIds: [], importedPhones: [] },
    message: {
      text: init.text ?? 'Hello [Name], *sale* _today_!',
      ...(init.media ? { media: init.media } : {}),
    },
    schedule: { at: new Date(Date.now() - 1000), zone: 'UTC', frequency: 'none' },
    settings: { ...defaultSettings('whatsapp'), ...init.settings },
    createdBy: ADMIN_ID,
  });
  return id;
}

/** The campaign document, with the current run's counters (from the counter store). */
export async function campaignOf(env: WaEnv, id: number) {
  const doc = await env.models.Campaign.findById(id).lean().exec();
  if (!doc) throw new Error(`campaign ${id} not found`);
  const counters = await runCounters(env.redis, env.models.Campaign.db.name, id, doc.run);
  return { ...doc, counters } as unknown as {
    status: string;
    run: number;
    pauseReason?: string;
    counters: { total: number; sent: number; failed: number; unknown: number };
    whatsappTest?: { sentRun?: number; approvedRun?: number };
  };
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitForStatus(env: WaEnv, id: number, statuses: string[], timeoutMs = 60_000) {
  return waitFor(
    `campaign ${id} in ${statuses.join('|')}`,
    async () => {
      const c = await campaignOf(env, id);
      return statuses.includes(c.status) ? c : null;
    },
    timeoutMs,
  );
}

/** Texts the bot sent to a chat (messages and photo captions). */
export function textsTo(env: WaEnv, chatId: number): string[] {
  return env.emulator
    .messagesIn(chatId)
    .map((m) => ('text' in m && m.text) || ('caption' in m && m.caption) || '');
}
