import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { uniqueName } from './services.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A FerretDB of a test's own, on a free port, over the suite's PostgreSQL cluster (its Unix socket in
 * PG_DIR, which scripts/test and scripts/services export) but in a PostgreSQL database and role of its
 * own. What a test does to it (end its PostgreSQL connections, cap them, kill the process) touches
 * no other test file running against the suite's FerretDB.
 */
export interface PrivateFerretDb {
  /** a MongoDB URI for one database on this FerretDB */
  uri(database: string): string;
  /** PostgreSQL ends every connection this FerretDB holds (`pg_terminate_backend`); how many it ended */
  terminateBackends(): Promise<number>;
  /** SIGKILL, then the same FerretDB again on the same port, `downMs` later */
  restart(downMs?: number): Promise<void>;
  /** SIGKILL, and it stays down until `revive()` */
  kill(): Promise<void>;
  /** the same FerretDB again on the same port, after `kill()` */
  revive(): Promise<void>;
  stop(): Promise<void>;
}

export interface PrivateFerretDbOptions {
  /**
   * PostgreSQL's CONNECTION LIMIT on this FerretDB's database (its role is not a superuser, so the
   * limit holds): past it PostgreSQL refuses with SQLSTATE 53300, as a full server would.
   */
  connectionLimit?: number;
}

export async function startPrivateFerretDb(options: PrivateFerretDbOptions = {}): Promise<PrivateFerretDb> {
  const pgDir = process.env.PG_DIR;
  if (!pgDir) throw new Error('PG_DIR is not set: run the suite with scripts/test (FerretDB on PostgreSQL)');
  const binary = process.env.FERRETDB_BIN ?? join(ROOT, '.data', 'bin', 'ferretdb');
  if (!existsSync(binary)) throw new Error(`no FerretDB binary at ${binary}: run scripts/services up first`);
  const psql = psqlOn(pgDir);

  const name = uniqueName('ferret');
  await psql(`CREATE ROLE ${name} LOGIN`);
  await psql(`CREATE DATABASE ${name} OWNER ${name} CONNECTION LIMIT ${options.connectionLimit ?? -1}`);
  const port = await freePort();
  const pgUrl = `postgres:///${name}?host=${encodeURIComponent(pgDir)}&user=${name}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn(
      binary,
      ['-listen-addr', `127.0.0.1:${port}`, '-postgresql-url', pgUrl, '-log-level', 'error'],
      { stdio: 'ignore' },
    );
    await waitForPort(port, 20_000);
  };
  const kill = async (signal: NodeJS.Signals) => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill(signal);
    await Promise.race([exited, sleep(5000).then(() => c.kill('SIGKILL'))]);
    await exited;
  };

  // A test that times out never reaches stop(): the FerretDB must not outlive its test process.
  const orphanGuard = () => child?.kill('SIGKILL');
  process.once('exit', orphanGuard);
  await start();
  let stopped = false;
  // The suite's connection options (maxPoolSize, see scripts/lib/common.sh) apply here too.
  const query = new URL(process.env.MONGODB_URI ?? 'mongodb://x').search;
  return {
    uri: (database) => `mongodb://127.0.0.1:${port}/${database}${query}`,
    async terminateBackends() {
      const out = await psql(
        `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${name}'`,
      );
      return Number(out.trim());
    },
    kill: () => kill('SIGKILL'),
    revive: () => start(),
    async restart(downMs = 0) {
      await kill('SIGKILL');
      if (downMs > 0) await sleep(downMs);
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill('SIGTERM');
      process.off('exit', orphanGuard);
      await psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await psql(`DROP ROLE IF EXISTS ${name}`);
    },
  };
}

/** psql as the cluster's superuser over its socket (scripts/lib/postgres.sh: trust on the socket). */
function psqlOn(pgDir: string): (sql: string) => Promise<string> {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  const bin = newest ? `/usr/lib/postgresql/${newest}/bin/psql` : 'psql';
  return async (sql) =>
    (
      await run(bin, [
        '-X',
        '-q',
        '-tA',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        pgDir,
        '-U',
        'postgres',
        '-d',
        'postgres',
        '-c',
        sql,
      ])
    ).stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`FerretDB did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}
