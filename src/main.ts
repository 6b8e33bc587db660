import { type RunnerHandle, run } from '@grammyjs/runner';
import { Api, BotError, webhookCallback } from 'grammy';
import { registerCommands } from './bot/commands.js';
import { ALLOWED_UPDATES, createBot, createBotI18n } from './bot/create-bot.js';
import { translator } from './bot/i18n.js';
import { createTrainingRouter } from './bot/training-router.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createCounterStore } from './db/counter.store.js';
import { createModels } from './db/models.js';
import { connectMongo } from './db/mongo.js';
import { connectRedis } from './db/redis.js';
import { createDispatcher } from './dispatch/dispatcher.js';
import { createTelegramMessenger } from './dispatch/messengers/telegram.messenger.js';
import { MetricsRegistry } from './dispatch/metrics.js';
import { type Handler, startHttpServer } from './http/server.js';
import { telegramWebhookRoute, WEBHOOK_PATH } from './http/telegram-webhook.js';
import { trackingRoutes } from './http/tracking.routes.js';
import { createLogger, type Logger } from './logger.js';
import { createServices } from './services/index.js';
import { createTestSender } from './services/send-test.js';
import { createWhatsAppRole } from './whatsapp/role.js';

type Stop = () => Promise<unknown> | unknown;

/** Wiring only: config → logger → MongoDB/Redis → services → roles. Shutdown runs in reverse order. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }

  // Whatever this process writes (the WhatsApp session, Chromium's profile) is its owner's only.
  process.umask(0o077);
  const logger = createLogger(
    config.LOG_LEVEL,
    { roles: config.ROLES.join(',') },
    {
      secrets: [
        config.BOT_TOKEN,
        config.WEBHOOK_SECRET,
        config.CLICK_SECRET,
        config.METRICS_TOKEN,
        config.MONGODB_URI,
        config.REDIS_URL,
      ],
    },
  );
  const stops: { name: string; stop: Stop }[] = [];
  const shutdown = createShutdown(stops, logger);
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  // A rejection nobody handled (whatsapp-web.js and puppeteer leave some when the browser goes
  // away, e.g. while RemoteAuth zips the session) is logged, not fatal: every send is recorded
  // before and after its call, so no state hangs on the lost promise. An exception thrown out of a
  // callback is: the process shuts down (exit 1), and the leases let a restarted one continue.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown('uncaught exception', 1);
  });

  try {
    await startRoles(config, logger, stops);
  } catch (err) {
    logger.fatal({ err }, 'startup failed');
    await shutdown('startup failure', 1);
  }
}

async function startRoles(config: Config, logger: Logger, stops: { name: string; stop: Stop }[]) {
  const mongo = await connectMongo(config.MONGODB_URI, logger);
  stops.push({ name: 'mongodb', stop: () => mongo.close() });
  const redis = await connectRedis(config.REDIS_URL, logger);
  stops.push({ name: 'redis', stop: () => redis.quit() });

  const models = await createModels(mongo);
  // One counter store per process: its queue of increments is applied before Redis closes.
  const counters = createCounterStore(redis, { database: models.Campaign.db.name, logger });
  stops.push({ name: 'counters', stop: () => counters.close() });
  const services = createServices({ models, logger, config, redis, counters });
  await services.templates.ensureBuiltIn();
  // No counters yet (an upgrade from before them, or Redis lost its data): one process rebuilds them
  // from the deliveries in the background; a screen asking for a campaign meanwhile recounts it.
  void services.figures.ensureCounters().catch((err: unknown) => {
    logger.warn({ err }, 'building the run counters failed; scripts/reconcile.ts --repair does it');
  });
  // The audience counts (reach, segment counts, the /contacts lists), built once in the background
  // when missing; a screen asking meanwhile builds them itself or reads MongoDB.
  services.audienceCounts.ensureCounts().catch((err: unknown) => {
    logger.warn(
      { err: String(err) },
      'building the audience counts failed; scripts/reconcile.ts --repair does it',
    );
  });
  // In the background: builds the /campaigns list index after an upgrade, and repairs rows a crash
  // between a campaign write and its index sync left behind.
  services.campaigns.checkListIndex().then(
    (corrected) => logger.info({ corrected }, 'campaign list index checked'),
    (err: unknown) => logger.warn({ err }, 'campaign list index check failed'),
  );

  const routes: Record<string, Handler> = {};
  const wantsBot = config.ROLES.includes('bot');
  const metrics = new MetricsRegistry();
  // Sends that the dispatcher and test sends make go through a plain Api: no auto-retry, because
  // 429s and retries are the dispatcher's to handle (and a test send should answer at once).
  const sendApi = new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT });
  const testSender = createTestSender({ models, messenger: createTelegramMessenger(sendApi), logger });
  const deps = { config, services, logger, redis, testSender };
  const i18n = createBotI18n(deps);
  const translate = translator(i18n, config.DEFAULT_LANGUAGE);
  // Replies the trained model cannot answer go to the admins, from whichever role received them.
  services.training.useRouter(createTrainingRouter({ api: sendApi, translate, services, logger }));

  // Run once the http role listens: Telegram starts calling the webhook as soon as it is set.
  const afterListen: (() => Promise<void>)[] = [];
  if (wantsBot) {
    const bot = createBot(deps, { i18n });
    await bot.init();
    logger.info({ username: bot.botInfo.username }, 'bot ready');
    await registerCommands(bot.api, config.ADMIN_IDS, translate).catch((err) =>
      logger.warn({ err }, 'setMyCommands failed; the menu keeps its old entries'),
    );
    const { WEBHOOK_SECRET: secret, PUBLIC_URL: publicUrl } = config;
    if (config.BOT_MODE === 'webhook' && secret && publicUrl) {
      // Past Telegram's own wait the update goes on here, answered 200, so that it is not sent again.
      const onUpdate = webhookCallback(bot, 'http', { onTimeout: 'return', timeoutMilliseconds: 50_000 });
      routes[WEBHOOK_PATH] = telegramWebhookRoute({
        secret,
        logger,
        handle: async (req, res) => {
          try {
            await onUpdate(req, res);
          } catch (err) {
            // A failed update is the bot's error path (bot.catch), as in polling mode; Telegram gets
            // a 200 so that it does not send the same update again and again.
            if (!(err instanceof BotError)) throw err;
            await bot.errorHandler(err);
            if (!res.headersSent) res.writeHead(200).end();
          }
        },
      });
      const url = `${publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
      afterListen.push(async () => {
        await bot.api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] });
        logger.info({ url }, 'webhook set');
      });
    } else {
      await bot.api.deleteWebhook();
      const runner: RunnerHandle = run(bot, {
        runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
      });
      stops.push({ name: 'bot', stop: () => runner.isRunning() && runner.stop() });
    }
  }

  if (config.ROLES.includes('dispatcher')) {
    const dispatcher = createDispatcher({
      config,
      logger,
      models,
      redis,
      counters,
      api: sendApi,
      translate,
      metrics,
    });
    await dispatcher.start();
    stops.push({ name: 'dispatcher', stop: () => dispatcher.stop() });
  }

  if (config.ROLES.includes('whatsapp')) {
    // One whatsapp-web.js client (one browser) per process; state and commands go through Redis.
    const whatsapp = createWhatsAppRole({
      config,
      logger,
      models,
      services,
      redis,
      counters,
      api: sendApi,
      translate,
      // Training: auto-replies to contacts' replies, and the admins' answers to routed ones.
      onReply: (reply, recorded) => services.training.autoReply(reply, recorded),
      outbox: {
        next: () => services.training.nextWhatsAppAnswer(),
        sent: (id, ok) => services.training.answerSent(id, ok),
      },
    });
    await whatsapp.start();
    stops.push({ name: 'whatsapp', stop: () => whatsapp.stop() });
  }

  if (config.ROLES.includes('http')) {
    Object.assign(routes, trackingRoutes(services.tracking, logger));
    const http = await startHttpServer({
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      logger,
      routes,
      metrics: () => metrics.render(),
      ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
      health: async () => ({
        mongodb: mongo.readyState === 1,
        redis: await redis.ping().then(
          (r) => r === 'PONG',
          () => false,
        ),
      }),
    });
    stops.push({ name: 'http', stop: () => http.stop() });
  }
  for (const step of afterListen) await step();
  logger.info({ roles: config.ROLES }, 'started');
}

function createShutdown(stops: { name: string; stop: Stop }[], logger: Logger) {
  let running: Promise<void> | undefined;
  return (reason: string, code = 0): Promise<void> => {
    running ??= (async () => {
      logger.info({ reason }, 'shutting down');
      const force = setTimeout(() => {
        logger.error('shutdown took longer than 10 s; exiting');
        process.exit(1);
      }, 10_000);
      force.unref();
      for (const { name, stop } of [...stops].reverse()) {
        try {
          await stop();
          logger.debug({ name }, 'stopped');
        } catch (err) {
          logger.warn({ name, err }, 'stop failed');
        }
      }
      logger.info('bye');
      logger.flush?.();
      process.exit(code);
    })();
    return running;
  };
}

await main();
