import { Socket } from 'node:net';

/**
 * Runs once before the suite. The suite needs real FerretDB/MongoDB and Redis (scripts/test starts
 * them and exports MONGODB_URI and REDIS_URL); without them it fails here, loudly, instead of skipping.
 */
export default async function globalSetup(): Promise<void> {
  for (const [name, hint] of [
    ['MONGODB_URI', 'mongodb://127.0.0.1:27017/x'],
    ['REDIS_URL', 'redis://127.0.0.1:6379'],
  ] as const) {
    const value = process.env[name];
    if (!value) {
      throw new Error(`${name} is not set: run the suite with scripts/test, or export ${name}=${hint}`);
    }
    const url = new URL(value);
    await reachable(url.hostname, Number(url.port || (name === 'REDIS_URL' ? 6379 : 27017)), name);
  }
}

function reachable(host: string, port: number, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const fail = (why: string) => {
      socket.destroy();
      reject(
        new Error(`${name}: nothing answers at ${host}:${port} (${why}); run the suite with scripts/test`),
      );
    };
    socket.setTimeout(3000, () => fail('timeout'));
    socket.once('error', (err) => fail(err.message));
    socket.connect(port, host, () => {
      socket.end();
      resolve();
    });
  });
}
