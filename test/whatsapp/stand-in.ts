import { EventEmitter } from 'node:events';
import type {
  WaEvents,
  WaId,
  WaIncomingMessage,
  WaMediaFile,
  WaSendOptions,
  WaSentMessage,
  WhatsAppClientLike,
} from '../../src/dispatch/messengers/whatsapp.messenger.js';

export interface SentRecord {
  to: string;
  content: string | { media: WaMediaFile };
  options: WaSendOptions | undefined;
  at: number;
  id: string;
}

export interface StandInOptions {
  /** what initialize() does: emit ready (default), emit a QR, or reject */
  onInitialize?: 'ready' | 'qr' | Error | string;
  /** numbers (digits) that are not on WhatsApp */
  notOnWhatsApp?: Iterable<string>;
  /** the clock the sends are stamped with */
  now?: () => number;
  account?: string;
}

/**
 * A stand-in for the part of whatsapp-web.js' Client the adapter uses: sendMessage, getNumberId,
 * events, initialize/destroy/logout/requestPairingCode. It records every call.
 */
export class StandInClient extends EventEmitter implements WhatsAppClientLike {
  readonly sent: SentRecord[] = [];
  readonly lookups: string[] = [];
  readonly notOnWhatsApp: Set<string>;
  destroyed = 0;
  loggedOut = 0;
  pairingRequests: string[] = [];
  /** the next sendMessage calls reject with this (one per entry) */
  failSends: (Error | string)[] = [];
  private next = 1;
  private readonly now: () => number;

  constructor(private readonly options: StandInOptions = {}) {
    super();
    this.notOnWhatsApp = new Set(options.notOnWhatsApp ?? []);
    this.now = options.now ?? Date.now;
  }

  async initialize(): Promise<void> {
    const what = this.options.onInitialize ?? 'ready';
    if (what instanceof Error || (typeof what === 'string' && what !== 'ready' && what !== 'qr')) throw what;
    if (what === 'qr') {
      setImmediate(() => this.emit('qr', 'stand-in-qr-1'));
      return;
    }
    setImmediate(() => {
      this.emit('authenticated');
      this.emit('ready');
    });
  }

  async destroy(): Promise<void> {
    this.destroyed++;
  }

  async logout(): Promise<void> {
    this.loggedOut++;
  }

  async requestPairingCode(phone: string): Promise<string> {
    this.pairingRequests.push(phone);
    return 'ABCD1234';
  }

  async getNumberId(number: string): Promise<WaId | null> {
    this.lookups.push(number);
    return this.notOnWhatsApp.has(number) ? null : { _serialized: `${number}@c.us` };
  }

  createMedia(file: WaMediaFile): unknown {
    return { media: file };
  }

  async sendMessage(chatId: string, content: unknown, options?: WaSendOptions): Promise<WaSentMessage> {
    const failure = this.failSends.shift();
    if (failure !== undefined) throw failure;
    const id = `true_${chatId}_STANDIN${this.next++}`;
    this.sent.push({
      to: chatId,
      content: content as SentRecord['content'],
      options,
      at: this.now(),
      id,
    });
    return { id: { _serialized: id } };
  }

  accountNumber(): string | undefined {
    return this.options.account ?? '4915100000000';
  }

  override on<E extends keyof WaEvents>(event: E, listener: WaEvents[E]): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override off<E extends keyof WaEvents>(event: E, listener: WaEvents[E]): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }

  /** A contact writes to us (`type`: whatsapp-web.js's, chat for text). */
  incoming(fromDigits: string, body: string, at = new Date(), type = 'chat'): WaIncomingMessage {
    const m: WaIncomingMessage = {
      id: { _serialized: `false_${fromDigits}@c.us_IN${this.next++}` },
      from: `${fromDigits}@c.us`,
      body,
      type,
      timestamp: Math.floor(at.getTime() / 1000),
      fromMe: false,
    };
    this.emit('message', m);
    return m;
  }

  ack(messageId: string, ack: number): void {
    this.emit('message_ack', { id: { _serialized: messageId } }, ack);
  }
}
