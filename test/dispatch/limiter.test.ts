import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramLimiter, type SendLimiter } from '../../src/dispatch/limiter.js';
import { testLogger, testRedisUrl, uniqueName } from '../support/services.js';

const made: SendLimiter[] = [];

async function limiter(namespace: string, globalRate: number, headroom = 0.98): Promise<SendLimiter> {
  const l = await createTelegramLimiter({
    redisUrl: testRedisUrl(),
    namespace,
    globalRate,
    paidRate: 1000,
    privateChatRate: 1,
    groupRatePerMinute: 20,
    headroom,
    logger: testLogger,
  });
  made.push(l);
  return l;
}

/** Takes a global slot (no chat), waiting as told; returns the slot's go(). */
async function slot(l: SendLimiter): Promise<() => void> {
  for (;;) {
    const r = await l.tryAcquire(null, { perChat: false });
    if (r.ok) return r.go;
    await new Promise((res) => setTimeout(res, r.waitMs));
  }
}

/** The most calls in any window of `ms` that starts at a call. */
function busiest(times: readonly number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[j] as number) < (sorted[i] as number) - ms + 1) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('Telegram limiter (Redis)', () => {
  afterEach(async () => {
    await Promise.all(made.splice(0).map((l) => l.stop()));
  });

  it('two limiters on one namespace never let more than the rate through in any second', async () => {
    const namespace = uniqueName('lim');
    const [a, b] = await Promise.all([limiter(namespace, 10), limiter(namespace, 10)]);
    const left: number[] = [];
    const until = Date.now() + 2500;
    const worker = async (l: SendLimiter) => {
      while (Date.now() < until) {
        const go = await slot(l);
        go();
        left.push(Date.now());
      }
    };
    await Promise.all([worker(a), worker(b), worker(a), worker(b)]);
    expect(left.length).toBeGreaterThanOrEqual(20);
    expect(busiest(left, 1000)).toBeLessThanOrEqual(10);
  });

  it('a call that leaves late counts from when it left, so the calls a second later keep their distance', async () => {
    // headroom 1: a window of exactly one second.
    const l = await limiter(uniqueName('lim'), 5, 1);
    const first = await slot(l);
    // The first call is held up 400 ms between its grant and leaving (a long pause, say).
    await new Promise((res) => setTimeout(res, 400));
    first();
    const firstLeft = Date.now();
    for (let i = 0; i < 4; i++) (await slot(l))();
    // Without the move, the sixth call would be let through a second after the first one's grant,
    // only 600 ms after it really left: six calls within one second at the platform.
    await slot(l);
    expect(Date.now() - firstLeft).toBeGreaterThanOrEqual(990);
  });
});
