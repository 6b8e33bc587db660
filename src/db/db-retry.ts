import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { errorIdentity, transientReason } from './transient-errors.js';

export interface RetryPolicy {
  /** attempts in all, the first one included */
  attempts: number;
  /** the pause before the first retry; it doubles for each next one, up to maxDelayMs */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Eight attempts with pauses of 25-50, 50-100, … up to 1-2 s: 2.6-5.2 s of pauses in all. Each
 * attempt on MongoDB also waits up to serverSelectionTimeoutMS (3 s, src/db/mongo.ts) for a primary,
 * so an election of 10-20 s is ridden out; on FerretDB the pauses outlast a burst of refused or
 * dropped PostgreSQL connections.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 8, baseDelayMs: 50, maxDelayMs: 2000 };

export interface DbRetryDeps {
  logger: Logger;
  policy?: Partial<RetryPolicy>;
  /** tests: no real waiting, a fixed random */
  sleep?: (ms: number) => Promise<unknown>;
  random?: () => number;
}

/** "Equal jitter": half the doubled delay for sure, the other half at random, so that many callers
 * failing together come back spread out, and none comes back at once. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Runs one database operation that is safe to repeat, again after a transient error (see
 * transient-errors.ts), with backoff, up to `attempts`; anything else, or the last error, is thrown
 * as it came. Whether an operation is safe to repeat is for the caller to know (safe-to-repeat.ts).
 */
export function createDbRetry({
  logger,
  policy = {},
  sleep: pause = sleep,
  random = Math.random,
}: DbRetryDeps) {
  const rules: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...policy };

  return {
    policy: rules,

    async run<T>(operation: string, attempt: () => Promise<T>): Promise<T> {
      for (let n = 1; ; n++) {
        try {
          return await attempt();
        } catch (err) {
          const reason = transientReason(err);
          if (reason === undefined) throw err;
          const fields = { operation, attempt: n, attempts: rules.attempts, reason, ...errorIdentity(err) };
          if (n >= rules.attempts) {
            logger.warn(fields, 'database operation still failing, giving up');
            throw err;
          }
          const delayMs = backoffDelay(n, rules, random);
          logger.warn({ ...fields, delayMs }, 'transient database error, retrying');
          await pause(delayMs);
        }
      }
    },
  };
}

export type DbRetry = ReturnType<typeof createDbRetry>;
