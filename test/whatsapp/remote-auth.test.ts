import { randomBytes } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import wweb from 'whatsapp-web.js';
import { createWhatsAppLink } from '../../src/services/whatsapp.service.js';
import { createAuthStrategy, RemoteAuthUnavailableError } from '../../src/whatsapp/real-client.js';
import { classifyStartError } from '../../src/whatsapp/session.js';
import { MongoSessionStore } from '../../src/whatsapp/session-store.js';
import { createTestDb, type TestDb, uniqueName } from '../support/services.js';
import { ADMIN_ID, CHROMIUM, createWaEnv, processesWith, textsTo, type WaEnv, waitFor } from './helpers.js';

const require = createRequire(import.meta.url);

/** archiver (RemoteAuth's own zip library, an optional dependency of whatsapp-web.js) */
const archiver = require('archiver') as (format: 'zip') => {
  pipe(out: NodeJS.WritableStream): void;
  append(data: Buffer, entry: { name: string }): void;
  finalize(): Promise<void>;
};

/** wwebjs-mongo's MongoStore (dev only): the layout our store must stay compatible with */
const { MongoStore } = require('wwebjs-mongo') as {
  MongoStore: new (opts: {
    mongoose: { connection: mongoose.Connection; mongo: typeof mongoose.mongo };
  }) => {
    sessionExists(o: { session: string }): Promise<boolean>;
    extract(o: { session: string; path: string }): Promise<void>;
  };
};

/** The RemoteAuth methods whatsapp-web.js's Client calls, which its typings leave out. */
interface RemoteAuthInternals {
  setup(client: unknown): void;
  beforeBrowserInitialized(): Promise<void>;
  storeRemoteSession(options?: { emit: boolean }): Promise<void>;
  disconnect(): Promise<void>;
  destroy(): Promise<void>;
}

async function zipFile(path: string, files: Record<string, Buffer>): Promise<void> {
  const archive = archiver('zip');
  const out = createWriteStream(path);
  const closed = new Promise<void>((resolve, reject) => {
    out.once('close', () => resolve());
    out.once('error', reject);
  });
  archive.pipe(out);
  for (const [name, data] of Object.entries(files)) archive.append(data, { name });
  await archive.finalize();
  await closed;
}

describe('the RemoteAuth session store in GridFS (FerretDB here, MongoDB in production)', () => {
  let db: TestDb;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDb();
    dir = mkdtempSync(join(tmpdir(), 'wa-remote-store-'));
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const collection = (session: string, part: 'files' | 'chunks') =>
    db.conn.db?.collection(`${MongoSessionStore.bucketName(session)}.${part}`);
  const count = async (session: string, part: 'files' | 'chunks') =>
    (await collection(session, part)?.countDocuments()) ?? -1;

  it('save → sessionExists → extract → delete with a real zip, in wwebjs-mongo’s layout', async () => {
    const session = `RemoteAuth-${uniqueName('c')}`;
    const store = new MongoSessionStore(db.conn, dir);
    const zip = join(dir, `${session}.zip`);
    await zipFile(zip, {
      'Default/Local Storage/leveldb/000003.log': Buffer.from('session data '.repeat(50)),
    });
    const original = readFileSync(zip);

    expect(await store.sessionExists({ session })).toBe(false);
    await store.save({ session });
    expect(await store.sessionExists({ session })).toBe(true);
    expect(await count(session, 'files')).toBe(1);

    const back = join(dir, 'back.zip');
    await store.extract({ session, path: back });
    expect(readFileSync(back).equals(original)).toBe(true);

    // wwebjs-mongo finds and reads what this store saved (bucket whatsapp-<session>, file <session>.zip)
    const theirs = new MongoStore({ mongoose: { connection: db.conn, mongo: mongoose.mongo } });
    expect(await theirs.sessionExists({ session })).toBe(true);
    await theirs.extract({ session, path: join(dir, 'theirs.zip') });
    expect(readFileSync(join(dir, 'theirs.zip')).equals(original)).toBe(true);

    // a second save replaces the first copy
    await store.save({ session });
    expect(await count(session, 'files')).toBe(1);

    await store.delete({ session });
    expect(await store.sessionExists({ session })).toBe(false);
    expect(await theirs.sessionExists({ session })).toBe(false);
    expect(await count(session, 'chunks')).toBe(0);
  });

  it('failures reject the call (no crash, no half-saved copy)', async () => {
    const session = `RemoteAuth-${uniqueName('m')}`;
    const store = new MongoSessionStore(db.conn, dir);
    await expect(store.save({ session })).rejects.toThrow(/ENOENT/);
    expect(await store.sessionExists({ session })).toBe(false);
    expect(await count(session, 'chunks')).toBe(0);
    await expect(store.extract({ session, path: join(dir, 'none.zip') })).rejects.toThrow(
      /FileNotFound|no file/i,
    );
    await expect(store.delete({ session })).resolves.toBeUndefined();
  });

  it('whatsapp-web.js RemoteAuth backs a session up (several GridFS chunks), restores it and deletes it', async () => {
    const dataPath = join(dir, 'wwebjs');
    const store = new MongoSessionStore(db.conn, dataPath);
    const auth = new wweb.RemoteAuth({
      store,
      dataPath,
      backupSyncIntervalMs: 60_000,
    }) as unknown as RemoteAuthInternals;
    const emitted: string[] = [];
    const client = {
      options: { puppeteer: {} as { userDataDir?: string } },
      emit: (e: string) => emitted.push(e),
    };
    auth.setup(client);

    // first start: nothing stored, an empty profile folder for Chromium
    await auth.beforeBrowserInitialized();
    const profile = join(dataPath, 'RemoteAuth');
    expect(client.options.puppeteer.userDataDir).toBe(profile);
    expect(existsSync(profile)).toBe(true);

    // what Chromium would have written: 1.1 MB that does not compress (GridFS chunks are 255 kB)
    const files: Record<string, Buffer> = {
      'Default/Local Storage/leveldb/000003.log': randomBytes(700_000),
      'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.blob/1/00/1': randomBytes(400_000),
    };
    for (const [name, data] of Object.entries(files)) {
      mkdirSync(dirname(join(profile, name)), { recursive: true });
      writeFileSync(join(profile, name), data);
    }
    writeFileSync(join(profile, 'Default', 'not-backed-up'), 'cache');

    await auth.storeRemoteSession({ emit: true });
    expect(emitted).toEqual(['remote_session_saved']);
    expect(await store.sessionExists({ session: 'RemoteAuth' })).toBe(true);
    expect(await count('RemoteAuth', 'chunks')).toBeGreaterThanOrEqual(4);
    expect(existsSync(join(dataPath, 'RemoteAuth.zip'))).toBe(false);
    await auth.storeRemoteSession();
    expect(await count('RemoteAuth', 'files')).toBe(1);

    // another machine (an empty data folder): the session comes back from MongoDB
    rmSync(profile, { recursive: true, force: true });
    await auth.beforeBrowserInitialized();
    for (const [name, data] of Object.entries(files)) {
      expect(readFileSync(join(profile, name)).equals(data)).toBe(true);
    }
    expect(existsSync(join(profile, 'Default', 'not-backed-up'))).toBe(false);

    // logout: gone from MongoDB and from the disk
    await auth.disconnect();
    await auth.destroy();
    expect(await store.sessionExists({ session: 'RemoteAuth' })).toBe(false);
    expect(await count('RemoteAuth', 'chunks')).toBe(0);
    expect(existsSync(profile)).toBe(false);
  });
});

describe('createAuthStrategy', () => {
  const base = { chromePath: CHROMIUM, dataDir: tmpdir() };

  it('remote without a MongoDB connection: RemoteAuthUnavailableError, shown as remote_auth_unavailable', () => {
    let error: unknown;
    try {
      createAuthStrategy({ ...base, auth: 'remote' }, tmpdir());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RemoteAuthUnavailableError);
    expect(classifyStartError(error)).toBe('remote_auth_unavailable');
    expect(classifyStartError(new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com'))).toBe(
      'no_network',
    );
  });

  it('a failed backup is reported, not thrown (RemoteAuth runs backups from a timer); the interval is at least 60 s', async () => {
    const db = await createTestDb();
    try {
      const errors: unknown[] = [];
      const auth = createAuthStrategy(
        {
          ...base,
          auth: 'remote',
          mongo: db.conn,
          backupSyncIntervalMs: 1000,
          onBackupError: (e) => errors.push(e),
        },
        join(tmpdir(), uniqueName('wa-remote-backup')), // never created: the zip is missing
      ) as unknown as { store: MongoSessionStore; backupSyncIntervalMs: number };
      expect(auth).toBeInstanceOf(wweb.RemoteAuth);
      expect(auth.backupSyncIntervalMs).toBe(60_000);
      await expect(auth.store.save({ session: 'RemoteAuth' })).resolves.toBeUndefined();
      expect(String(errors[0])).toMatch(/ENOENT/);
    } finally {
      await db.drop();
    }
  });
});

describe('the real client with WHATSAPP_AUTH=remote, Debian Chromium, no network', () => {
  let env: WaEnv;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wa-remote-'));
    env = await createWaEnv({ CHROME_PATH: CHROMIUM, DATA_DIR: dataDir, WHATSAPP_AUTH: 'remote' });
  });
  afterAll(async () => {
    await env.close();
    for (const pid of processesWith(dataDir)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails within 60 s with the same clear error as LocalAuth and leaves no Chromium process behind', async () => {
    const role = env.role({ tuning: { initTimeoutMs: 55_000 } });
    const link = createWhatsAppLink(env.redis, env.prefix);
    const started = Date.now();
    await role.start();
    const status = await waitFor(
      'the client to fail',
      async () => {
        const s = await link.status();
        return s.state === 'failed' ? s : null;
      },
      60_000,
    );
    const elapsed = Date.now() - started;
    console.info(`real client with RemoteAuth failed after ${elapsed} ms: ${status.reason}`);
    expect(elapsed).toBeLessThan(60_000);
    expect(['no_network', 'timeout', 'auth_timeout']).toContain(status.reason);

    const reason = env.translate('en', `whatsapp-reason-${status.reason}`);
    const notice = await waitFor('admin notice', async () =>
      textsTo(env, ADMIN_ID).find((t) => t.includes(reason)),
    );
    expect(notice).toContain(env.translate('en', 'whatsapp-reason-no_network'));

    // RemoteAuth was the strategy: it asked MongoDB, found nothing and gave Chromium a fresh profile there
    expect(existsSync(join(dataDir, 'wwebjs', 'RemoteAuth'))).toBe(true);
    expect(existsSync(join(dataDir, 'wwebjs', 'session'))).toBe(false);
    expect(await new MongoSessionStore(env.db.conn, dataDir).sessionExists({ session: 'RemoteAuth' })).toBe(
      false,
    );

    await waitFor('no Chromium left', async () => processesWith(dataDir).length === 0, 15_000);
    await role.stop();
    expect(processesWith(dataDir)).toEqual([]);
  }, 90_000);
});
