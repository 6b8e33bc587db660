import { type RunnerHandle, run } from '@grammyjs/runner';
import { Api, type Bot } from 'grammy';
import { Redis } from 'ioredis';
import type { BotContext } from '../../src/bot/context.js';
import { createBot } from '../../src/bot/create-bot.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createModels, type Models } from '../../src/db/models.js';
import { createTelegramMessenger } from '../../src/dispatch/messengers/telegram.messenger.js';
import { createServices, type Services } from '../../src/services/index.js';
import { createTestSender } from '../../src/services/send-test.js';
import { BotApiEmulator } from './bot-api-emulator.js';
import {
  createTestDb,
  createTestRedis,
  type TestDb,
  testLogger,
  testRedisUrl,
  uniqueName,
} from './services.js';
import { TelegramUser } from './telegram-user.js';

export const ADMIN_ID = 111_000_001;

export interface BotHarness {
  emulator: BotApiEmulator;
  db: TestDb;
  models: Models;
  services: Services;
  config: Config;
  /** the test Redis (counters, conversations, limits) */
  redis: Redis;
  bot: Bot<BotContext>;
  /** the owner from ADMIN_IDS, in their private chat with the bot */
  admin: TelegramUser;
  person(id: number, firstName?: string, languageCode?: string): TelegramUser;
  stop(): Promise<void>;
}

/**
 * The real bot (createBot, real middleware and features) polling the Bot API emulator over HTTP, on a
 * fresh FerretDB database (or `options.db`, which stop() drops too) and the test Redis (or the one at
 * `options.redisUrl`).
 */
export async function startBotHarness(
  env: Record<string, string> = {},
  options: { db?: TestDb; redisUrl?: string } = {},
): Promise<BotHarness> {
  const emulator = new BotApiEmulator();
  await emulator.start();
  const db = options.db ?? (await createTestDb());
  const config = loadConfig({
    BOT_TOKEN: emulator.token,
    ADMIN_IDS: String(ADMIN_ID),
    MONGODB_URI: db.uri,
    REDIS_URL: options.redisUrl ?? testRedisUrl(),
    TELEGRAM_API_ROOT: emulator.apiRoot,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const models = await createModels(db.conn);
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { maxRetriesPerRequest: 2 })
    : createTestRedis();
  // A test may stop its own Redis under the bot: the failed commands are what it checks.
  if (options.redisUrl) redis.on('error', () => {});
  const services = createServices({ models, logger: testLogger, config, redis });
  await services.templates.ensureBuiltIn();
  const messenger = createTelegramMessenger(new Api(config.BOT_TOKEN, { apiRoot: emulator.apiRoot }));
  const testSender = createTestSender({ models, messenger, logger: testLogger });
  const bot = createBot(
    { config, services, logger: testLogger, redis, testSender },
    {
      botInfo: emulator.bot(),
      storagePrefix: `${uniqueName('bot')}:`,
    },
  );
  const runner: RunnerHandle = run(bot);
  await emulator.waitForPolling();

  const admin = new TelegramUser(emulator, { id: ADMIN_ID, first_name: 'Olivia', language_code: 'en' });
  let stopped = false;
  return {
    emulator,
    db,
    models,
    services,
    config,
    redis,
    bot,
    admin,
    person: (id, firstName = `User${id}`, languageCode = 'en') =>
      new TelegramUser(emulator, { id, first_name: firstName, language_code: languageCode }),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (runner.isRunning()) await runner.stop();
      await emulator.stop();
      await services.counters.close();
      await db.drop();
      await redis.quit();
    },
  };
}
