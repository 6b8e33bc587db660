import { randomBytes } from 'node:crypto';
import type { BotContext } from './context.js';

/**
 * Buttons that change roles, send, or delete are "armed": their callback data carries a random nonce,
 * and the action it stands for is kept in Redis for this admin for a few minutes when the bot shows
 * the button (the step the admin started: a confirmation, a role choice). A press counts only if it
 * names a live nonce of the same admin for exactly that data, and only once. Callback data alone
 * (forged, replayed, guessed, or an old button) is never authority; each handler still checks the
 * current state (the admin's role, the campaign's status) when the press arrives.
 */

/** How long a shown confirmation stays valid. */
export const ARMED_TTL_SECONDS = 10 * 60;
const NONCE_CHARS = 12;
const NONCE = `[A-Za-z0-9_-]{${NONCE_CHARS}}`;
const ARMED_DATA = new RegExp(`^(.*)~(${NONCE})$`);
/** Telegram's limit for callback data, in bytes. */
const CALLBACK_DATA_LIMIT = 64;

/** Where the pending action of one button lives (exported for tests that let one expire). */
export function armedKey(adminId: number, nonce: string): string {
  return `mb:armed:${adminId}:${nonce}`;
}

/** The callback data for a button that performs `data` when this admin presses it, soon. */
export async function arm(ctx: BotContext, data: string): Promise<string> {
  const adminId = ctx.from?.id;
  if (adminId === undefined) throw new Error('an armed button needs the admin it is shown to');
  const nonce = randomBytes((NONCE_CHARS * 3) / 4).toString('base64url');
  const armed = `${data}~${nonce}`;
  if (Buffer.byteLength(armed) > CALLBACK_DATA_LIMIT) {
    throw new Error(`callback data too long for an armed button: ${data}`);
  }
  await ctx.deps.redis.set(armedKey(adminId, nonce), data, 'EX', ARMED_TTL_SECONDS);
  return armed;
}

/** `pattern` (anchored) followed by an optional nonce; the pattern's own groups keep their numbers. */
export function armedPattern(pattern: RegExp): RegExp {
  const source = pattern.source.replace(/^\^/, '').replace(/\$$/, '');
  return new RegExp(`^${source}(?:~${NONCE})?$`);
}

/**
 * Spends the nonce of this press: true when it is a button the bot showed this admin for exactly
 * this data, not yet used and not expired. Anything else (no nonce, another admin's, used) is false.
 */
export async function disarm(ctx: BotContext): Promise<boolean> {
  const match = ARMED_DATA.exec(ctx.callbackQuery?.data ?? '');
  const adminId = ctx.from?.id;
  if (!match || adminId === undefined) return false;
  const stored = await ctx.deps.redis.getdel(armedKey(adminId, match[2]!));
  return stored === match[1];
}

/** The answer to a press that `disarm` refused: nothing was changed. */
export function expiredAnswer(ctx: BotContext): { text: string; alert: true } {
  return { text: ctx.t('button-expired'), alert: true };
}
