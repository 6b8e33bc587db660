import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface AppProcess {
  child: ChildProcess;
  /** everything it wrote to stdout and stderr so far (its JSON log lines) */
  output(): string;
  /** waits for a log line that matches */
  waitForLog(match: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * `src/main.ts` in a process of its own (through tsx), with exactly `env` (plus PATH and HOME): the
 * real wiring, configuration and logs, as an operator runs it.
 */
export function startApp(env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const guard = () => child.kill('SIGKILL');
  process.once('exit', guard);
  return {
    child,
    exited,
    output: () => output,
    async waitForLog(match, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = output.split('\n').find((l) => match.test(l));
        if (line) return line;
        if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${output}`);
        if (Date.now() > deadline) throw new Error(`no log line ${match} within ${timeoutMs} ms:\n${output}`);
        await sleep(50);
      }
    },
    async stop() {
      process.off('exit', guard);
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A free TCP port on loopback (for a server whose URL must be known before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The values of an app's environment that no log may contain: the token (and its secret half), the
 * secrets, and the connection strings with a password (and the passwords). A connection string
 * without one may be logged as the app describes it (host, port, database).
 */
export function secretsOf(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  if (env.BOT_TOKEN) out.push(env.BOT_TOKEN, env.BOT_TOKEN.split(':')[1] ?? env.BOT_TOKEN);
  for (const name of ['WEBHOOK_SECRET', 'CLICK_SECRET', 'METRICS_TOKEN'] as const) {
    if (env[name]) out.push(env[name]);
  }
  for (const name of ['MONGODB_URI', 'REDIS_URL'] as const) {
    const value = env[name];
    if (!value) continue;
    const url = new URL(value);
    // `redis://127.0.0.1:6379` is all host and port: the app's own description of it, not a secret.
    if (url.username || url.password || url.search) out.push(value);
    if (url.password) out.push(url.password, decodeURIComponent(url.password));
  }
  return out;
}
