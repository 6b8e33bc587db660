import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** One command in Redis' inline protocol on a plain TCP connection; its first reply line. */
function rawCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
    socket.setEncoding('utf8');
    socket.once('data', (data: string) => {
      socket.destroy();
      resolve(data.split('\r\n')[0] ?? '');
    });
    socket.once('error', reject);
  });
}

/** start_services from scripts/lib/common.sh, as scripts/start calls it, for Redis only. */
async function startServices(dataDir: string): Promise<string> {
  const { stdout } = await run(
    'bash',
    ['-c', 'source scripts/lib/common.sh && start_services local && echo "REDIS_URL=$REDIS_URL"'],
    {
      cwd: ROOT,
      // MONGODB_URI set: no FerretDB or PostgreSQL here. A usual login shell's umask.
      env: { ...process.env, DATA_DIR: dataDir, MONGODB_URI: 'mongodb://unused/x', REDIS_URL: '' },
    },
  );
  return /REDIS_URL=(\S+)/.exec(stdout)![1]!;
}

describe('the local Redis the scripts start', () => {
  let dataDir: string;
  let url: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mb-services-'));
    url = await startServices(dataDir);
  }, 30_000);
  afterAll(() => {
    try {
      process.kill(Number(readFileSync(join(dataDir, 'local', 'redis.pid'), 'utf8')), 'SIGKILL');
    } catch {
      // not started
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('asks for a password made once and kept under DATA_DIR (0600); REDIS_URL carries it', async () => {
    const file = join(dataDir, 'local', 'redis.password');
    const password = readFileSync(file, 'utf8').trim();
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.password)).toBe(password);

    // Another local user connects to the port and asks without the password.
    expect(await rawCommand(Number(parsed.port), 'PING')).toMatch(/^-NOAUTH/);
    expect(await rawCommand(Number(parsed.port), 'KEYS *')).toMatch(/^-NOAUTH/);
    const app = new Redis(url);
    expect(await app.ping()).toBe('PONG');
    await app.quit();

    // Not on its command line, which every local user can read.
    const pid = readFileSync(join(dataDir, 'local', 'redis.pid'), 'utf8').trim();
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(password);

    // The next start reuses the same instance and password.
    expect(await startServices(dataDir)).toBe(url);
  }, 30_000);

  it('leaves nothing under DATA_DIR that other local users can read or change', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? [path, ...walk(path)] : [path];
      });
    const exposed = [dataDir, ...walk(dataDir)]
      .map((path) => ({ path, mode: statSync(path).mode & 0o777, dir: statSync(path).isDirectory() }))
      // Directories may let others through (0711: PostgreSQL runs as its own user), never list them.
      .filter((f) => (f.dir ? f.mode & 0o066 : f.mode & 0o077) !== 0)
      .map((f) => `${f.path} ${f.mode.toString(8)}`);
    expect(exposed).toEqual([]);
  });
});
