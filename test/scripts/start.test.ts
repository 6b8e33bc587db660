import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotApiEmulator } from '../support/bot-api-emulator.js';
import { testMongoUri, testRedisUrl } from '../support/services.js';
import { TelegramUser } from '../support/telegram-user.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START = `${ROOT}scripts/start`;

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function startScript(env: Record<string, string>): {
  child: ChildProcess;
  finished: Promise<Finished>;
  /** what it printed so far */
  output: () => string;
} {
  const { BOT_TOKEN: _t, ADMIN_IDS: _a, MONGODB_URI: _m, REDIS_URL: _r, ...inherited } = process.env;
  const child = spawn(START, [], {
    cwd: ROOT,
    env: { ...inherited, ENV_FILE: '/dev/null', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const finished = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    output,
  }));
  return { child, finished, output: () => output };
}

describe('scripts/start', () => {
  it('without BOT_TOKEN exits non-zero and says how to get one', async () => {
    const { finished } = startScript({});
    const result = await finished;
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('@BotFather');
    expect(result.output).toContain('.env');
  });

  describe('with a token and the emulator as Telegram', () => {
    const emulator = new BotApiEmulator();
    let run: ReturnType<typeof startScript>;
    beforeAll(async () => {
      await emulator.start();
      run = startScript({
        BOT_TOKEN: emulator.token,
        ADMIN_IDS: '900001',
        TELEGRAM_API_ROOT: emulator.apiRoot,
        MONGODB_URI: testMongoUri(),
        REDIS_URL: testRedisUrl(),
        ROLES: 'bot,http',
        HTTP_PORT: '0',
        NODE_OPTIONS: `--import ${ROOT}test/scripts/fixtures/stray-rejection.mjs`,
      });
      // The first run may build dist/ with tsc.
      await emulator.waitForPolling(undefined, 120_000);
    }, 150_000);
    afterAll(async () => {
      run?.child.kill('SIGKILL');
      await emulator.stop();
    });

    it('answers /start and registers its command menus', async () => {
      const admin = new TelegramUser(emulator, { id: 900001, first_name: 'Olivia', language_code: 'en' });
      const reply = await admin.sendAndWait('/start', /Welcome, Olivia/, 10_000);
      expect(reply.text).toContain('/newcampaign');
      const person = new TelegramUser(emulator, { id: 900002, first_name: 'Ann' });
      await person.sendAndWait('/start', /subscribed/, 10_000);
      expect(emulator.callsOf('setMyCommands').length).toBeGreaterThanOrEqual(2);
    });

    it('a promise rejection nobody handled (a library left it) is logged, and the bot keeps answering', async () => {
      const logged = () =>
        run
          .output()
          .split('\n')
          .find((l) => l.includes('unhandled rejection') && l.includes('stray rejection from a library'));
      const deadline = Date.now() + 20_000;
      while (!logged() && run.child.exitCode === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(logged()).toBeDefined();
      expect(run.child.exitCode).toBeNull();
      const admin = new TelegramUser(emulator, { id: 900001, first_name: 'Olivia', language_code: 'en' });
      await admin.sendAndWait('/start', /Welcome, Olivia/, 10_000);
    });

    it('stops cleanly on SIGTERM within 10 seconds', async () => {
      const sentAt = Date.now();
      run.child.kill('SIGTERM');
      const result = await run.finished;
      expect(result.code).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(10_000);
      expect(result.output).toContain('bye');
      expect(result.output).not.toContain(emulator.token);
    }, 15_000);
  });
});
