import type { MediaKind } from '../../domain/campaign.js';
import {
  InvalidNumberError,
  PermanentSendError,
  type SendError,
  WhatsAppUnavailableError,
} from '../errors.js';

/** A serialized WhatsApp id, as whatsapp-web.js returns it (`4915112345678@c.us`). */
export interface WaId {
  _serialized: string;
}

export interface WaSentMessage {
  id: WaId;
}

/** An incoming message, as much of whatsapp-web.js' Message as we read. */
export interface WaIncomingMessage {
  id: WaId;
  from: string;
  /** the text, or a media message's caption */
  body: string;
  /** whatsapp-web.js MessageTypes: chat (text), image, video, ptt (voice), audio, document, sticker, … */
  type?: string;
  /** seconds since the epoch */
  timestamp: number;
  fromMe: boolean;
  isStatus?: boolean;
  /** the sender's contact; needed when `from` is a linked id (`…@lid`) rather than a number */
  getContact?(): Promise<{ number?: string | null }>;
}

export interface WaSendOptions {
  caption?: string;
  linkPreview?: boolean;
}

/** What the client emits, with the arguments we read. */
export interface WaEvents {
  qr: (qr: string) => void;
  code: (code: string) => void;
  authenticated: () => void;
  auth_failure: (message: string) => void;
  ready: () => void;
  disconnected: (reason: string) => void;
  message: (message: WaIncomingMessage) => void;
  message_ack: (message: WaSentMessage, ack: number) => void;
}

/**
 * The part of whatsapp-web.js' Client we use. The real one is wrapped in whatsapp/real-client.ts;
 * tests pass a stand-in.
 */
export interface WhatsAppClientLike {
  initialize(): Promise<void>;
  /** Must leave no browser process behind, whatever state the client is in. */
  destroy(): Promise<void>;
  logout(): Promise<void>;
  requestPairingCode(phoneNumber: string, showNotification?: boolean): Promise<string>;
  getNumberId(number: string): Promise<WaId | null>;
  sendMessage(chatId: string, content: string | unknown, options?: WaSendOptions): Promise<WaSentMessage>;
  /** builds whatever sendMessage accepts as media (whatsapp-web.js' MessageMedia) */
  createMedia(file: WaMediaFile): unknown;
  on<E extends keyof WaEvents>(event: E, listener: WaEvents[E]): unknown;
  off<E extends keyof WaEvents>(event: E, listener: WaEvents[E]): unknown;
  /** the linked account's number, once ready */
  accountNumber(): string | undefined;
}

/** A file ready for WhatsApp: bytes (base64), type and name. */
export interface WaMediaFile {
  kind: MediaKind;
  mime: string;
  /** base64 */
  data: string;
  fileName?: string;
}

/** A campaign message for one contact: text already in WhatsApp's markup. */
export interface WhatsAppContent {
  text: string;
  media?: WaMediaFile;
}

export interface WhatsAppMessenger {
  /** The contact's WhatsApp id, or InvalidNumberError when the number is not on WhatsApp. */
  numberId(phone: string): Promise<string>;
  send(
    to: string,
    content: WhatsAppContent,
    options: { linkPreview: boolean },
  ): Promise<{ messageId: string }>;
}

export interface WhatsAppMessengerOptions {
  /** a call that takes longer is given up (the dispatcher never hangs on the browser) */
  timeoutMs?: number;
  /** true while the client is ready; a call while it is not fails at once */
  connected?: () => boolean;
}

// Puppeteer's words for "the page or browser went away".
const GONE =
  /Session closed|Target closed|Protocol error|detached|Execution context was destroyed|browser has disconnected|Connection closed|not opened/i;

class TimeoutError extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** whatsapp-web.js throws Errors, puppeteer errors and sometimes plain strings. */
export function toWhatsAppSendError(err: unknown): SendError {
  if (err instanceof WhatsAppUnavailableError || err instanceof InvalidNumberError) return err;
  if (err instanceof TimeoutError) return new WhatsAppUnavailableError('timeout', err.message);
  const message = err instanceof Error ? err.message : String(err);
  if (GONE.test(message)) return new WhatsAppUnavailableError('disconnected', message);
  return new PermanentSendError('platform_restriction', message);
}

/** `+4915112345678` → `4915112345678`, what getNumberId and requestPairingCode take. */
export const digitsOf = (phone: string) => phone.replace(/\D/g, '');

export function createWhatsAppMessenger(
  client: WhatsAppClientLike,
  options: WhatsAppMessengerOptions = {},
): WhatsAppMessenger {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const guard = () => {
    if (options.connected && !options.connected()) {
      throw new WhatsAppUnavailableError('disconnected', 'WhatsApp is not connected');
    }
  };
  return {
    async numberId(phone) {
      guard();
      let id: WaId | null;
      try {
        id = await withTimeout(client.getNumberId(digitsOf(phone)), timeoutMs, 'getNumberId');
      } catch (err) {
        throw toWhatsAppSendError(err);
      }
      if (!id) throw new InvalidNumberError('not on WhatsApp');
      return id._serialized;
    },

    async send(to, content, opts) {
      guard();
      try {
        const sent = content.media
          ? await withTimeout(
              client.sendMessage(to, client.createMedia(content.media), {
                ...(content.text ? { caption: content.text } : {}),
              }),
              timeoutMs,
              'sendMessage',
            )
          : await withTimeout(
              client.sendMessage(to, content.text, { linkPreview: opts.linkPreview }),
              timeoutMs,
              'sendMessage',
            );
        return { messageId: sent.id._serialized };
      } catch (err) {
        throw toWhatsAppSendError(err);
      }
    },
  };
}
