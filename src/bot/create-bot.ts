import { autoRetry } from '@grammyjs/auto-retry';
import { conversations } from '@grammyjs/conversations';
import type { I18n } from '@grammyjs/i18n';
import { sequentialize } from '@grammyjs/runner';
import { RedisAdapter } from '@grammyjs/storage-redis';
import { Bot, type BotConfig, type Middleware } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { BotContext, BotDeps } from './context.js';
import type { WizardContext } from './conversations/wizard-kit.js';
import { adminHomeFeature } from './features/admin-home.js';
import { campaignsFeature } from './features/campaigns.js';
import { contactsFeature } from './features/contacts.js';
import { groupsFeature } from './features/groups.js';
import { membershipFeature } from './features/membership.js';
import { newCampaignFeature } from './features/new-campaign.js';
import { pendingCancelFeature } from './features/pending-input.js';
import { settingsFeature } from './features/settings.js';
import { statsFeature } from './features/stats.js';
import { subscriberFeature } from './features/subscriber.js';
import { templatesFeature } from './features/templates.js';
import { trainingFeature } from './features/training.js';
import { unhandledFeature } from './features/unhandled.js';
import { whatsappFeature } from './features/whatsapp.js';
import { createI18n, isLocale, LOCALES } from './i18n.js';
import { depsMiddleware } from './middlewares/deps.js';

/** What the bot asks Telegram for, by long polling (the runner) or webhook (setWebhook). */
export const ALLOWED_UPDATES = [
  'message',
  'channel_post',
  'callback_query',
  'my_chat_member',
  'chat_member',
  'message_reaction_count',
] as const;

/** A wizard left alone for a week is forgotten. */
const CONVERSATION_TTL_SECONDS = 7 * 24 * 60 * 60;

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

  // The runner handles updates concurrently. One chat's updates must not overlap, or a quick second
  // tap would read the wizard's state from Redis before the previous step has written it.
  bot.use(sequentialize((ctx: BotContext) => ctx.chat?.id.toString()));
  bot.use(depsMiddleware(deps));
  const i18n = options.i18n ?? createBotI18n(deps);
  bot.use(i18n);
  bot.use(
    conversations<BotContext, WizardContext>({
      // In Redis so that a restart (or another bot process) continues every half-finished wizard.
      storage: {
        type: 'key',
        version: 1,
        prefix: options.storagePrefix ?? 'mb:conv:',
        adapter: new RedisAdapter({ instance: deps.redis, ttl: CONVERSATION_TTL_SECONDS }),
      },
      // ctx.t inside conversations; their ctx.api is a fresh Api, so bot.api's auto-retry is not there.
      plugins: [i18n as unknown as Middleware<WizardContext>],
    }),
  );

  // First among the features: a running wizard takes the admin's answers before anyone else.
  bot.use(pendingCancelFeature(options.storagePrefix));
  bot.use(
    newCampaignFeature({ ...deps, ...(deps.testSender ? { sendTest: deps.testSender.sendTest } : {}) }),
  );
  bot.use(trainingFeature(deps, options.storagePrefix));
  bot.use(adminHomeFeature());
  bot.use(subscriberFeature());
  bot.use(campaignsFeature(options.storagePrefix));
  bot.use(statsFeature(options.storagePrefix));
  bot.use(templatesFeature());
  bot.use(groupsFeature(options.storagePrefix));
  bot.use(contactsFeature(options.storagePrefix));
  bot.use(membershipFeature(options.storagePrefix));
  bot.use(settingsFeature(options.storagePrefix));
  bot.use(whatsappFeature(options.storagePrefix));
  bot.use(unhandledFeature());

  // The error path works with MongoDB and Redis gone: the texts come from the locale files, read
  // now; the language is the one this update already negotiated, else the Telegram client's.
  const internalError = new Map(LOCALES.map((locale) => [locale, i18n.t(locale, 'error-internal')]));
  bot.catch(async (err) => {
    const ctx = err.ctx;
    (ctx.log ?? deps.logger).error({ err: err.error, updateId: ctx.update.update_id }, 'update failed');
    if (ctx.chat?.type !== 'private') return;
    let text: string | undefined;
    try {
      // Throws when the failure came before the locale was negotiated (it reads the admin's choice).
      text = ctx.t('error-internal');
    } catch {
      const client = ctx.from?.language_code?.slice(0, 2);
      text = internalError.get(isLocale(client) ? client : config.DEFAULT_LANGUAGE);
    }
    await ctx.reply(text ?? 'error-internal').catch(() => {});
  });

  return bot;
}
