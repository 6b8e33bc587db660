/** Shared by the database benchmarks (bench-acks, bench-replies, bench-stats). */
import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import type { Models } from '../../src/db/models.js';

/** `--name value` from the command line, or the fallback. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

export const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * A fresh database named `<prefix>_<random>` on the server in MONGODB_URI (exits with 2 without
 * it); run() gets its connection, and the database is dropped afterwards whatever happens.
 */
export async function withBenchDb(
  prefix: string,
  run: (conn: Connection) => Promise<void>,
  options: mongoose.ConnectOptions = {},
): Promise<never> {
  const mongoUri = process.env.MONGODB_URI;
  if (!mongoUri) {
    console.error('MONGODB_URI must be set (see the usage at the top of the script).');
    process.exit(2);
  }
  const url = new URL(mongoUri);
  url.pathname = `/${prefix}_${randomBytes(4).toString('hex')}`;
  const conn = await mongoose.createConnection(url.toString(), options).asPromise();
  try {
    await run(conn);
  } finally {
    await conn.dropDatabase().catch(() => {});
    await conn.close();
  }
  process.exit(0);
}

/** A published WhatsApp campaign for the benchmarks' deliveries to belong to. */
export async function benchCampaign(models: Models, id: number, name: string): Promise<void> {
  await models.Campaign.collection.insertOne({
    _id: id as never,
    name,
    nameLower: name.toLowerCase(),
    platform: 'whatsapp',
    status: 'published',
    audience: { kind: 'whatsapp', all: true, segments: [], contactIds: [] },
    message: { text: 'Hi' },
    schedule: { zone: 'UTC', frequency: 'none' },
    settings: {},
  });
}
