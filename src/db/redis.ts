import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { type RetryOptions, ServiceUnavailableError } from './mongo.js';

function describeRedis(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<unparseable URL>';
  }
}

/**
 * Connects an ioredis client, retrying while the server comes up. After the first connection ioredis
 * reconnects by itself; commands queue meanwhile.
 */
export async function connectRedis(
  url: string,
  logger: Logger,
  { attempts = 10, delayMs = 1000 }: RetryOptions = {},
): Promise<Redis> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, connectTimeout: 3000 });
    client.on('error', (err) => logger.debug({ err }, 'redis connection error'));
    try {
      await client.connect();
      await client.ping();
      logger.info({ redis: describeRedis(url), attempt }, 'redis connected');
      return client;
    } catch (err) {
      lastError = err;
      client.disconnect();
      logger.warn({ redis: describeRedis(url), attempt, err }, 'redis not reachable yet');
      if (attempt < attempts) await new Promise((r) => setTimeout(r, delayMs));
    }
  }
  throw new ServiceUnavailableError('Redis', describeRedis(url), lastError);
}
