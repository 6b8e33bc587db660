import { GrammyError, HttpError } from 'grammy';
import type { FailureReason } from '../domain/analytics.js';
import { scrubToken } from '../logger.js';

/**
 * What a send can end in. The run decides retries and failure reasons from these classes only;
 * the platform's prose is kept in `message` for logs and the delivery's `error` field.
 */
export abstract class SendError extends Error {
  /** the delivery's failure reason when this error ends it */
  abstract readonly reason: FailureReason;

  constructor(message: string) {
    super(scrubToken(message));
    this.name = this.constructor.name;
  }
}

/** 429: nothing was sent; wait `retryAfter` seconds before calling the platform again. */
export class RateLimitedError extends SendError {
  readonly reason = 'rate_limited';
  constructor(
    readonly retryAfter: number,
    message = `rate limited, retry after ${retryAfter}s`,
  ) {
    super(message);
  }
}

/** 403: the user blocked the bot or was deactivated, or the bot was removed from the chat. */
export class RecipientBlockedError extends SendError {
  readonly reason = 'blocked';
}

/** 400 "chat not found": the chat is gone or the bot never had access. */
export class ChatNotFoundError extends SendError {
  readonly reason = 'chat_not_found';
}

/** The group became a supergroup with a new id; the message was not sent. */
export class ChatMigratedError extends SendError {
  readonly reason = 'chat_not_found';
  constructor(
    readonly newChatId: number,
    message = `chat migrated to ${newChatId}`,
  ) {
    super(message);
  }
}

/** Network failure or a 5xx answer: worth retrying with backoff. */
export class TransientSendError extends SendError {
  readonly reason = 'network';
}

/** The platform refused this message for this chat (bad content, missing rights, …); retrying won't help. */
export class PermanentSendError extends SendError {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
  }
}

/** The bot itself cannot send at all (token revoked, wrong API root): the whole run stops. */
export class FatalSendError extends SendError {
  readonly reason = 'platform_restriction';
}

// Telegram gives no field for these; the error code alone is not enough (400 covers many cases).
const CHAT_NOT_FOUND = /chat not found|PEER_ID_INVALID|USER_ID_INVALID|CHAT_ID_INVALID/i;
const CONTENT = /entit|message is too long|caption is too long|text is empty|file|MEDIA|button|URL|markup/i;

/** Maps whatever the messenger threw to a SendError, by error code and parameters first. */
export function toSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  if (err instanceof GrammyError) {
    const { error_code: code, description, parameters } = err;
    if (parameters?.migrate_to_chat_id !== undefined) {
      return new ChatMigratedError(parameters.migrate_to_chat_id, description);
    }
    if (code === 429) return new RateLimitedError(Math.max(1, parameters?.retry_after ?? 1), description);
    if (code === 403) return new RecipientBlockedError(description);
    if (code === 401 || code === 404) return new FatalSendError(description);
    if (code >= 500) return new TransientSendError(description);
    if (code === 400 && CHAT_NOT_FOUND.test(description)) return new ChatNotFoundError(description);
    return new PermanentSendError(
      CONTENT.test(description) ? 'content_rejected' : 'platform_restriction',
      description,
    );
  }
  if (err instanceof HttpError) return new TransientSendError(err.message);
  return new TransientSendError(err instanceof Error ? err.message : String(err));
}

/** Failures that say something about the recipient, not about the campaign or the platform. */
export function isRecipientFailure(reason: FailureReason): boolean {
  return reason === 'blocked' || reason === 'chat_not_found';
}

/** WhatsApp: the number is not on WhatsApp (getNumberId found nothing). */
export class InvalidNumberError extends SendError {
  readonly reason = 'invalid_number';
}

/**
 * WhatsApp: the client is not connected (disconnected, logged out, browser gone) or did not answer
 * in time. The run pauses; a send that was under way may or may not have left (outcome unknown).
 */
export class WhatsAppUnavailableError extends SendError {
  readonly reason = 'network';
  constructor(
    readonly cause_: 'disconnected' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}
