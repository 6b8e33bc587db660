import { join, resolve } from 'node:path';
import wweb from 'whatsapp-web.js';
import type { WaMediaFile, WhatsAppClientLike } from '../dispatch/messengers/whatsapp.messenger.js';

const { Client, LocalAuth, MessageMedia } = wweb;

export interface RealClientOptions {
  /** Chromium (Debian's /usr/bin/chromium by default, CHROME_PATH) */
  chromePath: string;
  /** the session lives in `<dataDir>/wwebjs/session-<clientId>` (LocalAuth) */
  dataDir: string;
  auth: 'local' | 'remote';
  clientId?: string;
  /** how long WhatsApp Web may take to load before the login is given up (ms) */
  authTimeoutMs?: number;
}

/** RemoteAuth needs a store (wwebjs-mongo), which this release does not bundle. */
export class RemoteAuthUnavailableError extends Error {
  constructor() {
    super(
      'WHATSAPP_AUTH=remote needs a RemoteAuth store (wwebjs-mongo), which is not installed; use WHATSAPP_AUTH=local',
    );
    this.name = this.constructor.name;
  }
}

/**
 * whatsapp-web.js behind WhatsAppClientLike. destroy() closes the browser and, should puppeteer
 * have lost track of it (a launch that failed half way), kills the Chromium process itself.
 */
export function createRealClient(options: RealClientOptions): WhatsAppClientLike {
  if (options.auth === 'remote') throw new RemoteAuthUnavailableError();
  const dataDir = resolve(options.dataDir);
  const client = new Client({
    authStrategy: new LocalAuth({
      dataPath: join(dataDir, 'wwebjs'),
      ...(options.clientId ? { clientId: options.clientId } : {}),
    }),
    webVersionCache: { type: 'local', path: join(dataDir, 'wwebjs-cache') },
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
