import { autoRetry } from '@grammyjs/auto-retry';
import type { I18n } from '@grammyjs/i18n';
import { Bot, type BotConfig } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { BotContext, BotDeps } from './context.js';
import { adminHomeFeature } from './features/admin-home.js';
import { subscriberFeature } from './features/subscriber.js';
import { unhandledFeature } from './features/unhandled.js';
import { createI18n } from './i18n.js';
import { depsMiddleware } from './middlewares/deps.js';

export interface CreateBotOptions {
  /** skips getMe (tests, or a known bot) */
  botInfo?: UserFromGetMe;
  /** shared with the dispatcher's translator; built here when absent */
  i18n?: I18n<BotContext>;
  /** Redis key prefix for conversation/UI state (tests isolate themselves with a unique one) */
  storagePrefix?: string;
}

export function createBotI18n({ config, services }: Pick<BotDeps, 'config' | 'services'>): I18n<BotContext> {
  return createI18n<BotContext>(config.DEFAULT_LANGUAGE, async (ctx) =>
    ctx.from && ctx.role ? services.admins.languageOf(ctx.from.id) : undefined,
  );
}

/** Wires middleware and features; starting (polling or webhook) is main.ts's job. */
export function createBot(deps: BotDeps, options: CreateBotOptions = {}): Bot<BotContext> {
  const { config } = deps;
  const botConfig: BotConfig<BotContext> = { client: { apiRoot: config.TELEGRAM_API_ROOT } };
  if (options.botInfo) botConfig.botInfo = options.botInfo;
  const bot = new Bot<BotContext>(config.BOT_TOKEN, botConfig);

  if (config.TELEGRAM_AUTO_RETRY) {
    // Interactive replies: a short 429 wait is fine, a long one is not worth holding the update for.
    bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));
  }

  bot.use(depsMiddleware(deps));
  bot.use(options.i18n ?? createBotI18n(deps));

  bot.use(adminHomeFeature());
  bot.use(subscriberFeature());
  bot.use(unhandledFeature());

  bot.catch((err) => {
    const ctx = err.ctx;
    (ctx.log ?? deps.logger).error({ err: err.error }, 'update failed');
    if (ctx.chat?.type === 'private') {
      const text = typeof ctx.t === 'function' ? ctx.t('error-internal') : 'Something went wrong.';
      ctx.reply(text).catch(() => {});
    }
  });

  return bot;
}
