import QRCode from 'qrcode';
import {
  digitsOf,
  type WaEvents,
  type WaIncomingMessage,
  type WaSentMessage,
  type WhatsAppClientLike,
} from '../dispatch/messengers/whatsapp.messenger.js';
import type { Translate } from '../dispatch/types.js';
import { type Logger, maskPhone } from '../logger.js';
import type {
  WhatsAppCommand,
  WhatsAppLink,
  WhatsAppState,
  WhatsAppStatus,
} from '../services/whatsapp.service.js';
import type { AdminNotifier } from './admin-notifier.js';

/** Why the client could not start or went away; each has a `whatsapp-reason-<reason>` text. */
export type DownReason =
  | 'no_chromium'
  | 'no_network'
  | 'timeout'
  | 'auth_timeout'
  | 'auth_failure'
  | 'remote_auth_unavailable'
  | 'logged_out'
  | 'disconnected'
  | 'qr_expired'
  | 'error';

export class InitTimeoutError extends Error {
  constructor(ms: number) {
    super(`WhatsApp Web did not load within ${Math.round(ms / 1000)} s`);
    this.name = this.constructor.name;
  }
}

/** whatsapp-web.js rejects with Errors, puppeteer errors or a plain string ('auth timeout'). */
export function classifyStartError(err: unknown): DownReason {
  if (err instanceof InitTimeoutError) return 'timeout';
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (/auth timeout/i.test(text)) return 'auth_timeout';
  // RemoteAuthUnavailableError, or whatsapp-web.js missing RemoteAuth's optional dependencies
  if (/RemoteAuthUnavailable|are required to use RemoteAuth/i.test(text)) return 'remote_auth_unavailable';
  if (/net::ERR_|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ERR_INTERNET_DISCONNECTED/i.test(text)) return 'no_network';
  if (
    /Failed to launch|ENOENT|Browser was not found|executablePath|spawn .* EACCES|Could not find/i.test(text)
  )
    return 'no_chromium';
  return 'error';
}

/** A short, safe line for the admins: the first line of the error, at most 200 characters. */
export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').slice(0, 200);
}

export interface SessionDeps {
  createClient(): WhatsAppClientLike;
  link: WhatsAppLink;
  notifier: AdminNotifier;
  translate: Translate;
  logger: Logger;
  /** initialize() is given up (and the browser destroyed) after this long; default 60 s */
  initTimeoutMs?: number;
  /** QR codes shown before the login is given up until an admin asks again; default 6 */
  qrMaxShown?: number;
  /** timeout of logout / pairing / destroy calls; default 20 s */
  callTimeoutMs?: number;
  /**
   * After a lost connection or a start that failed for a passing reason (network, timeout), the
   * client is started again after these delays, the last one repeating; [] turns it off.
   * Default 30 s, 1, 2, 5, 10 min.
   */
  reconnectDelaysMs?: readonly number[];
  onMessage?(message: WaIncomingMessage): void;
  onAck?(message: WaSentMessage, ack: number): void;
  /** the client went away or could not start (runs pause) */
  onDown?(reason: DownReason): void;
  onReady?(): void;
}

export interface WhatsAppSession {
  /** Launches the client (once at a time); resolves when initialize() settled. */
  connect(requestedBy?: number): Promise<void>;
  handle(command: WhatsAppCommand): Promise<void>;
  state(): WhatsAppState;
  /** Writes the state again with a fresh time: the bot treats an old report as a role that is gone. */
  heartbeat(): Promise<void>;
  ready(): boolean;
  client(): WhatsAppClientLike | undefined;
  /** Idempotent: destroys the client (no browser left behind). */
  stop(): Promise<void>;
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const LIVE: readonly WhatsAppState[] = ['starting', 'qr', 'authenticated', 'ready'];

/**
 * Owns the one whatsapp-web.js client of this process: start, QR / pairing-code login, state in
 * Redis for every process to read, notices to the admins, logout. Every failure path destroys the
 * client, so no Chromium is left running.
 */
export function createWhatsAppSession(deps: SessionDeps): WhatsAppSession {
  const log = deps.logger.child({ role: 'whatsapp' });
  const initTimeoutMs = deps.initTimeoutMs ?? 60_000;
  const callTimeoutMs = deps.callTimeoutMs ?? 20_000;
  const qrMax = deps.qrMaxShown ?? 6;
  let current: WhatsAppClientLike | undefined;
  let detach: (() => void) | undefined;
  let state: WhatsAppState = 'offline';
  let launching: Promise<void> | undefined;
  let stopped = false;
  let qrShown = 0;
  /** the QR photo each admin has now, deleted when it rotates or is no longer needed */
  const qrMessages = new Map<number, number>();
  let qrWork: Promise<void> = Promise.resolve();
  let requester: number | undefined;

  let lastStatus: Omit<WhatsAppStatus, 'updatedAt'> = { state };
  const setState = async (next: WhatsAppState, reason?: string) => {
    state = next;
    const account = current?.accountNumber();
    lastStatus = {
      state: next,
      ...(reason ? { reason } : {}),
      ...(next === 'ready' && account ? { account: maskPhone(`+${account}`) } : {}),
    };
    await deps.link
      .setStatus(lastStatus)
      .catch((err: unknown) => log.warn({ err }, 'could not store the WhatsApp state'));
  };

  const extra = () => (requester === undefined ? [] : [requester]);

  /** Every admin in their language; `reason` is a DownReason shown through whatsapp-reason-<reason>. */
  const tellAll = async (key: string, params: Record<string, string | number> = {}, also: number[] = []) => {
    for (const adminId of await deps.notifier.admins([...extra(), ...also])) {
      const locale = await deps.notifier.localeOf(adminId);
      const values: Record<string, string | number> = { ...params };
      if (params.reason !== undefined)
        values.reason = deps.translate(locale, `whatsapp-reason-${params.reason}`);
      await deps.notifier.text(adminId, deps.translate(locale, key, values));
    }
  };

  /** `inQrWork`: called from the QR chain itself, which must not wait for itself. */
  const clearQr = async (inQrWork = false) => {
    if (!inQrWork) await qrWork;
    const shown = [...qrMessages.entries()];
    qrMessages.clear();
    for (const [chatId, messageId] of shown) await deps.notifier.remove(chatId, messageId);
  };

  /** Destroys a client; errors and hangs are logged, never thrown. */
  const destroy = async (client: WhatsAppClientLike | undefined) => {
    if (!client) return;
    if (client === current) {
      detach?.();
      detach = undefined;
      current = undefined;
    }
    try {
      await withTimeout(client.destroy(), callTimeoutMs, () => new Error('destroy timed out'));
    } catch (err) {
      log.warn({ err: errorLine(err) }, 'destroying the WhatsApp client failed');
    }
  };

  const retryDelays = deps.reconnectDelaysMs ?? [30_000, 60_000, 120_000, 300_000, 600_000];
  let retries = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  const cancelRetry = () => {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = undefined;
  };

  const down = async (reason: DownReason, next: WhatsAppState, detail?: string, inQrWork = false) => {
    const client = current;
    await setState(next, reason);
    await clearQr(inQrWork);
    await destroy(client);
    deps.onDown?.(reason);
    // Passing trouble is retried by itself; a logout, a refused session or a missing browser needs a person.
    const passing = reason === 'disconnected' || reason === 'no_network' || reason === 'timeout';
    const delay = retryDelays[Math.min(retries, retryDelays.length - 1)];
    if (passing && delay !== undefined && !stopped) {
      retries++;
      cancelRetry();
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        log.info({ attempt: retries }, 'reconnecting to WhatsApp');
        // The failed launch may still be telling the admins: start the new one after it.
        const again = (): Promise<void> => (launching ? launching.then(again) : session.connect());
        void again();
      }, delay);
      retryTimer.unref?.();
      await tellAll('whatsapp-down-retrying', {
        reason,
        detail: detail ?? '',
        seconds: Math.round(delay / 1000),
      });
      return;
    }
    await tellAll('whatsapp-down', { reason, detail: detail ?? '' });
  };

  const showQr = (qr: string) => {
    qrWork = qrWork
      .then(async () => {
        if (stopped || !current) return;
        qrShown++;
        if (qrShown > qrMax) {
          log.info({ shown: qrShown - 1 }, 'QR not scanned; login given up until an admin asks again');
          await down('qr_expired', 'stopped', undefined, true);
          return;
        }
        await setState('qr');
        const png = await QRCode.toBuffer(qr, { type: 'png', width: 512, margin: 2 });
        for (const adminId of await deps.notifier.admins(extra())) {
          const locale = await deps.notifier.localeOf(adminId);
          const old = qrMessages.get(adminId);
          const caption = deps.translate(locale, 'whatsapp-qr-caption', { n: qrShown, max: qrMax });
          const id = await deps.notifier.photo(adminId, png, caption);
          if (id !== undefined) qrMessages.set(adminId, id);
          if (old !== undefined) await deps.notifier.remove(adminId, old);
        }
      })
      .catch((err: unknown) => log.warn({ err }, 'could not show the QR'));
  };

  const attach = (client: WhatsAppClientLike) => {
    const handlers: { [E in keyof WaEvents]?: WaEvents[E] } = {
      qr: (qr) => showQr(qr),
      authenticated: () => {
        void setState('authenticated').then(() => clearQr());
      },
      auth_failure: (message) => {
        log.warn({ message: errorLine(message) }, 'WhatsApp authentication failed');
        void down('auth_failure', 'auth_failure', errorLine(message));
      },
      ready: () => {
        void (async () => {
          qrShown = 0;
          retries = 0;
          await setState('ready');
          await clearQr();
          deps.onReady?.();
          const account = current?.accountNumber();
          await tellAll('whatsapp-ready', { account: account ? maskPhone(`+${account}`) : '—' });
        })();
      },
      disconnected: (reason) => {
        log.warn({ reason }, 'WhatsApp disconnected');
        const out = String(reason) === 'LOGOUT' || String(reason) === 'UNPAIRED';
        void down(out ? 'logged_out' : 'disconnected', out ? 'logged_out' : 'disconnected', String(reason));
      },
      message: (m) => deps.onMessage?.(m),
      message_ack: (m, ack) => deps.onAck?.(m, ack),
    };
    for (const [event, handler] of Object.entries(handlers)) {
      client.on(event as keyof WaEvents, handler as never);
    }
    detach = () => {
      for (const [event, handler] of Object.entries(handlers)) {
        client.off(event as keyof WaEvents, handler as never);
      }
    };
  };

  const launch = async (): Promise<void> => {
    await destroy(current);
    qrShown = 0;
    let client: WhatsAppClientLike;
    try {
      client = deps.createClient();
    } catch (err) {
      log.error({ err: errorLine(err) }, 'cannot create the WhatsApp client');
      await down(classifyStartError(err), 'failed', errorLine(err));
      return;
    }
    current = client;
    attach(client);
    await setState('starting');
    const started = Date.now();
    const init = client.initialize();
    try {
      await withTimeout(init, initTimeoutMs, () => new InitTimeoutError(initTimeoutMs));
      log.info({ ms: Date.now() - started }, 'WhatsApp Web loaded');
    } catch (err) {
      // A launch still under way when we gave up may start a browser later: destroy that one too.
      init.then(
        () => destroy(client),
        () => destroy(client),
      );
      const reason = classifyStartError(err);
      log.error({ reason, err: errorLine(err), ms: Date.now() - started }, 'WhatsApp client failed to start');
      if (current === client) await down(reason, 'failed', errorLine(err));
      else await destroy(client);
    }
  };

  const session: WhatsAppSession = {
    connect(requestedBy) {
      if (stopped) return Promise.resolve();
      cancelRetry();
      if (requestedBy !== undefined) requester = requestedBy;
      launching ??= launch().finally(() => {
        launching = undefined;
      });
      return launching;
    },

    async handle(cmd) {
      const by = cmd.by;
      switch (cmd.type) {
        case 'connect':
          if (LIVE.includes(state) && current) {
            const locale = await deps.notifier.localeOf(by);
            const shown = deps.translate(locale, `whatsapp-state-${state}`);
            await deps.notifier.text(by, deps.translate(locale, 'whatsapp-already', { state: shown }));
            return;
          }
          await deps.notifier.tell(by, 'whatsapp-connecting');
          await session.connect(by);
          return;
        case 'logout': {
          const client = current;
          if (!client || state !== 'ready') {
            await deps.notifier.tell(by, 'whatsapp-not-connected');
            return;
          }
          try {
            await withTimeout(client.logout(), callTimeoutMs, () => new Error('logout timed out'));
          } catch (err) {
            log.warn({ err: errorLine(err) }, 'logout failed; the session is closed anyway');
          }
          cancelRetry();
          await setState('logged_out', 'logout');
          await destroy(client);
          deps.onDown?.('logged_out');
          await tellAll('whatsapp-logged-out', {}, [by]);
          return;
        }
        case 'pair': {
          const client = current;
          if (!client || state !== 'qr') {
            await deps.notifier.tell(by, 'whatsapp-pair-unavailable');
            return;
          }
          try {
            const code = await withTimeout(
              client.requestPairingCode(digitsOf(cmd.phone), true),
              callTimeoutMs,
              () => new Error('no pairing code within the time limit'),
            );
            const shown = code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
            log.info({ phone: maskPhone(cmd.phone) }, 'pairing code issued');
            await deps.notifier.tell(by, 'whatsapp-pair-code', { code: shown, phone: maskPhone(cmd.phone) });
          } catch (err) {
            log.warn({ err: errorLine(err) }, 'pairing code failed');
            await deps.notifier.tell(by, 'whatsapp-pair-failed', { detail: errorLine(err) });
          }
          return;
        }
      }
    },

    state: () => state,
    async heartbeat() {
      if (stopped) return;
      await deps.link.setStatus(lastStatus).catch(() => undefined);
    },
    ready: () => state === 'ready' && current !== undefined,
    client: () => current,

    async stop() {
      if (stopped) return;
      stopped = true;
      cancelRetry();
      await launching?.catch(() => undefined);
      await qrWork;
      await destroy(current);
      await setState('stopped');
    },
  };

  return session;
}
