import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.js';
import { isAdmin } from '../filters.js';

/** What the admin was asked to type next (a search, a new name, a time zone…), with its context. */
export interface Pending {
  kind: string;
  [field: string]: string | number | boolean | undefined;
}

/** A typed answer is expected for a quarter of an hour; after that a text is just a text again. */
const TTL_SECONDS = 15 * 60;

/**
 * One pending question per private chat, in Redis so that a restart or a second bot process does
 * not lose it. Features own their `kind`s by prefix (`camp-`, `grp-`, `set-`, `cts-`).
 */
export function createPendingInput(prefix = 'mb:') {
  const key = (ctx: BotContext) => `${prefix}pending:${ctx.chat?.id ?? ctx.from?.id ?? 0}`;

  const store = {
    async get(ctx: BotContext): Promise<Pending | null> {
      const raw = await ctx.deps.redis.get(key(ctx));
      if (!raw) return null;
      try {
        return JSON.parse(raw) as Pending;
      } catch {
        return null;
      }
    },

    /** The pending question when it belongs to this feature (`kind` starts with `kindPrefix`). */
    async mine(ctx: BotContext, kindPrefix: string): Promise<Pending | null> {
      const pending = await store.get(ctx);
      return pending?.kind.startsWith(kindPrefix) ? pending : null;
    },

    async set(ctx: BotContext, pending: Pending): Promise<void> {
      await ctx.deps.redis.set(key(ctx), JSON.stringify(pending), 'EX', TTL_SECONDS);
    },

    async clear(ctx: BotContext): Promise<void> {
      await ctx.deps.redis.del(key(ctx));
    },
  };
  return store;
}

export type PendingInput = ReturnType<typeof createPendingInput>;

/** The ✖ Cancel under every question, next to /cancel. */
export function cancelKeyboard(ctx: BotContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('pending-btn-cancel'), 'pending:x');
}

/**
 * /cancel and ✖ Cancel for the questions of the admin screens. Registered before the wizard: while a
 * wizard runs, /cancel is the wizard's (a stale question is dropped silently with it); otherwise a
 * pending question is forgotten here and anything else goes on to the wizard's "nothing to cancel".
 */
export function pendingCancelFeature(storagePrefix = 'mb:'): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);
  const pending = createPendingInput(storagePrefix);

  feature.command('cancel', async (ctx, next) => {
    const question = await pending.get(ctx);
    if (!question) return next();
    await pending.clear(ctx);
    const wizardRunning = Object.values(ctx.conversation.active()).some((n) => n > 0);
    if (wizardRunning) return next();
    await ctx.reply(ctx.t('pending-cancelled'));
  });

  feature.callbackQuery('pending:x', async (ctx) => {
    await pending.clear(ctx);
    await ctx.answerCallbackQuery({ text: ctx.t('pending-cancelled') });
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t('pending-cancelled'));
  });

  return composer;
}
