import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { createCounterStore } from '../../src/db/counter.store.js';
import { connectMongo } from '../../src/db/mongo.js';
import { createLogger, type Logger } from '../../src/logger.js';

export const testLogger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export function uniqueName(prefix = 't'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

function requireEnv(name: 'MONGODB_URI' | 'REDIS_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with scripts/test`);
  return value;
}

/** The URI of a fresh, uniquely named database on the test server. */
export function testMongoUri(dbName = uniqueName('db')): string {
  const url = new URL(requireEnv('MONGODB_URI'));
  url.pathname = `/${dbName}`;
  return url.toString();
}

export interface TestDb {
  conn: Connection;
  uri: string;
  drop(): Promise<void>;
}

/**
 * A connection to a fresh database (on the suite's server unless `uri` names another); drop()
 * removes it and closes the connection.
 */
export async function createTestDb(options: { uri?: string; logger?: Logger } = {}): Promise<TestDb> {
  const uri = options.uri ?? testMongoUri();
  const conn = await connectMongo(uri, options.logger ?? testLogger, { attempts: 3, delayMs: 500 });
  let dropped = false;
  return {
    conn,
    uri,
    async drop() {
      if (dropped) return;
      dropped = true;
      await conn.dropDatabase().catch(() => {});
      await conn.close();
    },
  };
}

export function testRedisUrl(): string {
  return requireEnv('REDIS_URL');
}

export function createTestRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
}

/** The counters of a campaign's run as the app keeps them (the figures every screen shows). */
export async function runCounters(
  redis: Redis,
  database: string,
  campaignId: number,
  run: number,
): Promise<{ total: number; sent: number; failed: number; unknown: number }> {
  const store = createCounterStore(redis, { database, logger: testLogger });
  const [stored] = await store.read([{ campaignId, run }]);
  const c = stored?.counters;
  return { total: c?.total ?? 0, sent: c?.sent ?? 0, failed: c?.failed ?? 0, unknown: c?.unknown ?? 0 };
}
