import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../logger.js';
import { createDbRetry, type RetryPolicy } from './db-retry.js';
import { installDbRetry } from './retrying-connection.js';

export interface RetryOptions {
  /** connecting: attempts and the pause between them */
  attempts?: number;
  delayMs?: number;
  /** operations on the open connection that are safe to repeat (src/db/retrying-connection.ts) */
  operations?: Partial<RetryPolicy>;
}

export class ServiceUnavailableError extends Error {
  constructor(
    readonly service: string,
    readonly target: string,
    cause: unknown,
  ) {
    super(`cannot reach ${service} at ${target}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = this.constructor.name;
  }
}

/** mongodb://user:secret@host:27017/db?x → mongodb://host:27017/db (for messages and logs). */
export function describeUri(uri: string): string {
  try {
    const u = new URL(uri);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<unparseable URI>';
  }
}

/**
 * Opens a dedicated mongoose connection (no global singleton), retrying while the server comes up.
 * Every model compiled on it then retries what is safe to repeat after a transient error.
 * autoIndex stays on: index builds are idempotent and the collections are small at startup.
 */
export async function connectMongo(
  uri: string,
  logger: Logger,
  { attempts = 10, delayMs = 1000, operations = {} }: RetryOptions = {},
): Promise<Connection> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 3000, autoIndex: true });
    try {
      await conn.asPromise();
      logger.info({ mongo: describeUri(uri), attempt }, 'mongodb connected');
      installDbRetry(conn, createDbRetry({ logger, policy: operations }));
      return conn;
    } catch (err) {
      lastError = err;
      await conn.close().catch(() => {});
      logger.warn({ mongo: describeUri(uri), attempt, err }, 'mongodb not reachable yet');
      if (attempt < attempts) await new Promise((r) => setTimeout(r, delayMs));
    }
  }
  throw new ServiceUnavailableError('MongoDB', describeUri(uri), lastError);
}
