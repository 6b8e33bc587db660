import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppLink } from '../../src/services/whatsapp.service.js';
import { createWaEnv, type WaEnv, waitFor } from './helpers.js';

/** Permission bits of a path as `ls -l` would show them, e.g. 0o700. */
const mode = (path: string) => statSync(path).mode & 0o777;

describe('the WhatsApp session folder under DATA_DIR', () => {
  let env: WaEnv;
  let dataDir: string;
  let umask: number;
  beforeAll(async () => {
    // A usual login shell's umask, under which libraries create folders every local user can read.
    umask = process.umask(0o022);
    dataDir = mkdtempSync(join(tmpdir(), 'wa-modes-'));
    rmSync(dataDir, { recursive: true });
    env = await createWaEnv({ CHROME_PATH: join(tmpdir(), 'no-such-chromium'), DATA_DIR: dataDir });
  });
  afterAll(async () => {
    process.umask(umask);
    await env?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is created readable by its owner only, DATA_DIR included when the app makes it', async () => {
    const role = env.role({});
    const link = createWhatsAppLink(env.redis, env.prefix);
    await role.start();
    // whatsapp-web.js makes its session folder before it launches the browser (missing here).
    await waitFor('failed', async () => (await link.status()).state === 'failed');
    await role.stop();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'wwebjs'))).toBe(0o700);
    expect(mode(join(dataDir, 'wwebjs-cache'))).toBe(0o700);
    // What the library makes inside is out of reach through its 0700 parent.
    expect(statSync(join(dataDir, 'wwebjs', 'session')).isDirectory()).toBe(true);
  }, 30_000);
});
