import { GrammyError, type InlineKeyboard } from 'grammy';
import { DomainError } from '../../domain/errors.js';
import type { BotContext } from '../context.js';

export const NO_PREVIEW = { link_preview_options: { is_disabled: true } } as const;

/** Telegram allows 4096 characters per message; longer screens are cut with an ellipsis. */
export const MESSAGE_LIMIT = 4096;

export function clip(text: string, limit = MESSAGE_LIMIT): string {
  const chars = Array.from(text);
  return chars.length <= limit ? text : `${chars.slice(0, limit - 1).join('')}…`;
}

/** Button labels stay short so that a phone shows them whole. */
export function label(text: string, limit = 48): string {
  return clip(text.replace(/\s+/g, ' ').trim(), limit);
}

function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && err.description.includes('message is not modified');
}

/**
 * Draws a screen: a button press redraws its own message in place, anything else (a command, a typed
 * answer, a press on a document) sends a new message; `send` forces a new one (the home menu stays).
 */
export async function show(
  ctx: BotContext,
  text: string,
  keyboard?: InlineKeyboard,
  opts: { send?: boolean } = {},
): Promise<void> {
  const message = ctx.callbackQuery?.message;
  if (!opts.send && message && 'text' in message && message.text !== undefined) {
    try {
      await ctx.editMessageText(clip(text), {
        ...(keyboard ? { reply_markup: keyboard } : {}),
        ...NO_PREVIEW,
      });
      return;
    } catch (err) {
      if (isNotModified(err)) return;
      // The message is gone or can no longer be edited (too old): a fresh one does the job.
      if (!(err instanceof GrammyError && err.error_code === 400)) throw err;
    }
  }
  await ctx.reply(clip(text), { ...(keyboard ? { reply_markup: keyboard } : {}), ...NO_PREVIEW });
}

/** `error-<code>` for a rule violation; anything else is a bug and goes up. */
export function errorText(ctx: BotContext, err: unknown): string {
  if (err instanceof DomainError) return ctx.t(`error-${err.code}`, err.params);
  throw err;
}

export type PressAnswer = { text: string; alert?: boolean } | undefined;

/** What a press handler may resolve to: a notice for the answer, or anything else (no notice). */
export type PressResult = Promise<unknown>;

function isAnswer(value: unknown): value is NonNullable<PressAnswer> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string'
  );
}

/**
 * Wraps a callback handler so that every press is answered exactly once: with the handler's notice,
 * with the rule a DomainError names, or silently.
 */
export function pressed<C extends BotContext>(handler: (ctx: C) => PressResult): (ctx: C) => Promise<void> {
  return async (ctx) => {
    let answer: PressAnswer;
    try {
      const result = await handler(ctx);
      answer = isAnswer(result) ? result : undefined;
    } catch (err) {
      if (!(err instanceof DomainError)) {
        await ctx.answerCallbackQuery().catch(() => {});
        throw err;
      }
      answer = { text: errorText(ctx, err), alert: true };
    }
    await ctx.answerCallbackQuery(
      answer ? { text: clip(answer.text, 200), show_alert: answer.alert ?? false } : undefined,
    );
  };
}
