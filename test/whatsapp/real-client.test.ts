import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppLink } from '../../src/services/whatsapp.service.js';
import { ADMIN_ID, CHROMIUM, createWaEnv, processesWith, textsTo, type WaEnv, waitFor } from './helpers.js';

describe('the real whatsapp-web.js client with Debian Chromium, no network', () => {
  let env: WaEnv;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wa-real-'));
    env = await createWaEnv({ CHROME_PATH: CHROMIUM, DATA_DIR: dataDir });
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

  it('Chromium is installed where the configuration says', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
  });

  it('fails within 60 s with a clear error, tells the admins, and leaves no Chromium process behind', async () => {
    const role = env.role({ tuning: { initTimeoutMs: 55_000 } });
    const link = createWhatsAppLink(env.redis, env.prefix);
    const started = Date.now();
    await role.start();
    // the browser really started: its processes carry our unique session folder
    const status = await waitFor(
      'the client to fail',
      async () => {
        const s = await link.status();
        return s.state === 'failed' ? s : null;
      },
      60_000,
    );
    const elapsed = Date.now() - started;
    console.info(`real whatsapp-web.js client failed after ${elapsed} ms: ${status.reason}`);
    expect(elapsed).toBeLessThan(60_000);
    expect(['no_network', 'timeout', 'auth_timeout']).toContain(status.reason);

    const reason = env.translate('en', `whatsapp-reason-${status.reason}`);
    const notice = await waitFor('admin notice', async () =>
      textsTo(env, ADMIN_ID).find((t) => t.includes(reason)),
    );
    expect(notice).toContain(env.translate('en', 'whatsapp-reason-no_network'));

    await waitFor('no Chromium left', async () => processesWith(dataDir).length === 0, 15_000);
    await role.stop();
    expect(processesWith(dataDir)).toEqual([]);
  }, 90_000);

  it('without Chromium (a wrong CHROME_PATH) it fails at once with no_chromium and tells the admins', async () => {
    const missing = createWaEnv({ CHROME_PATH: join(dataDir, 'no-such-chromium'), DATA_DIR: dataDir });
    const other = await missing;
    try {
      const role = other.role({});
      const link = createWhatsAppLink(other.redis, other.prefix);
      await role.start();
      const status = await waitFor('failed', async () => {
        const s = await link.status();
        return s.state === 'failed' ? s : null;
      });
      expect(status.reason).toBe('no_chromium');
      const reason = other.translate('en', 'whatsapp-reason-no_chromium');
      await waitFor('admin notice', async () => textsTo(other, ADMIN_ID).some((t) => t.includes(reason)));
      await role.stop();
    } finally {
      await other.close();
    }
  }, 30_000);
});
