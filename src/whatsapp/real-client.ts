import { join, resolve } from 'node:path';
import type { Connection } from 'mongoose';
import wweb, { type AuthStrategy } from 'whatsapp-web.js';
import type { WaMediaFile, WhatsAppClientLike } from '../dispatch/messengers/whatsapp.messenger.js';
import { ensurePrivateDir } from '../lib/private-dir.js';
import { MongoSessionStore } from './session-store.js';

const { Client, LocalAuth, MessageMedia, RemoteAuth } = wweb;

/** RemoteAuth refuses backup intervals under a minute. */
export const MIN_BACKUP_SYNC_MS = 60_000;

export interface RealClientOptions {
  /** Chromium (Debian's /usr/bin/chromium by default, CHROME_PATH) */
  chromePath: string;
  /**
   * The session lives in `<dataDir>/wwebjs/session[-<clientId>]` (LocalAuth), or is unpacked into
   * `<dataDir>/wwebjs/RemoteAuth[-<clientId>]` from MongoDB and backed up there (RemoteAuth).
   */
  dataDir: string;
  auth: 'local' | 'remote';
  clientId?: string;
  /** RemoteAuth: the connection whose database keeps the session (GridFS) */
  mongo?: Connection;
  /** RemoteAuth: how often the session is backed up to MongoDB; default 5 min, at least 1 min */
  backupSyncIntervalMs?: number;
  /** RemoteAuth: a backup that failed (RemoteAuth does not catch it; the next one comes at the interval) */
  onBackupError?(err: unknown): void;
  /** how long WhatsApp Web may take to load before the login is given up (ms) */
  authTimeoutMs?: number;
}

/** WHATSAPP_AUTH=remote without a MongoDB connection to keep the session in. */
export class RemoteAuthUnavailableError extends Error {
  constructor() {
    super('WHATSAPP_AUTH=remote needs the MongoDB connection for its RemoteAuth session store');
    this.name = this.constructor.name;
  }
}

/** LocalAuth, or RemoteAuth over MongoDB GridFS, with its files in `sessionDir`. */
export function createAuthStrategy(options: RealClientOptions, sessionDir: string): AuthStrategy {
  const clientId = options.clientId ? { clientId: options.clientId } : {};
  if (options.auth === 'local') return new LocalAuth({ dataPath: sessionDir, ...clientId });
  if (!options.mongo) throw new RemoteAuthUnavailableError();
  const store = new MongoSessionStore(options.mongo, sessionDir);
  const onError = options.onBackupError;
  return new RemoteAuth({
    dataPath: sessionDir,
    ...clientId,
    backupSyncIntervalMs: Math.max(MIN_BACKUP_SYNC_MS, options.backupSyncIntervalMs ?? 300_000),
    store: {
      sessionExists: (o) => store.sessionExists(o),
      extract: (o) => store.extract(o),
      delete: (o) => store.delete(o),
      // RemoteAuth runs backups from a timer without a catch: a rejection would end the process.
      save: (o) =>
        store.save(o).catch((err: unknown) => {
          onError?.(err);
        }),
    },
  });
}

/**
 * whatsapp-web.js behind WhatsAppClientLike. destroy() closes the browser and, should puppeteer
 * have lost track of it (a launch that failed half way), kills the Chromium process itself.
 */
export function createRealClient(options: RealClientOptions): WhatsAppClientLike {
  const dataDir = resolve(options.dataDir);
  // The session is the account: readable by this user only (whatsapp-web.js would make them 0755).
  const sessionDir = ensurePrivateDir(join(dataDir, 'wwebjs'));
  const cacheDir = ensurePrivateDir(join(dataDir, 'wwebjs-cache'));
  const client = new Client({
    authStrategy: createAuthStrategy(options, sessionDir),
    webVersionCache: { type: 'local', path: cacheDir },
    authTimeoutMs: options.authTimeoutMs ?? 60_000,
    puppeteer: {
      executablePath: options.chromePath,
      headless: true,
      // --disable-dev-shm-usage: Docker's /dev/shm is 64 MB, too small for WhatsApp Web.
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run'],
    },
  });

  const kill = () => {
    try {
      const proc = client.pupBrowser?.process();
      if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  };

  return {
    initialize: () => client.initialize(),
    async destroy() {
      try {
        await client.destroy();
      } finally {
        kill();
      }
    },
    logout: () => client.logout(),
    requestPairingCode: (phone, show = true) => client.requestPairingCode(phone, show),
    getNumberId: (number) => client.getNumberId(number),
    sendMessage: (chatId, content, opts) =>
      client.sendMessage(chatId, content as string, {
        ...(opts?.caption ? { caption: opts.caption } : {}),
        ...(opts?.linkPreview === false ? { linkPreview: false } : {}),
      }),
    createMedia: (file: WaMediaFile) => new MessageMedia(file.mime, file.data, file.fileName ?? null),
    on: (event, listener) => client.on(event, listener as (...args: unknown[]) => void),
    off: (event, listener) => client.off(event, listener as (...args: unknown[]) => void),
    accountNumber: () => client.info?.wid?.user,
  };
}
