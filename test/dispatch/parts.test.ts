import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import {
  ChatMigratedError,
  ChatNotFoundError,
  FatalSendError,
  PermanentSendError,
  RateLimitedError,
  RecipientBlockedError,
  TransientSendError,
  toSendError,
} from '../../src/dispatch/errors.js';
import { dispatchMetrics, MetricsRegistry } from '../../src/dispatch/metrics.js';
import { formatDuration, progressBar } from '../../src/dispatch/progress.js';
import { FAILURE_REASONS } from '../../src/domain/analytics.js';
import { createTranslate } from './helpers.js';

const grammyError = (error_code: number, description: string, parameters = {}) =>
  new GrammyError(
    `Call to 'sendMessage' failed!`,
    { ok: false, error_code, description, parameters },
    'sendMessage',
    {},
  );

describe('send errors', () => {
  it('follow the error code and parameters', () => {
    expect(toSendError(grammyError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }))).toEqual(
      expect.objectContaining({ constructor: RateLimitedError, retryAfter: 7, reason: 'rate_limited' }),
    );
    const migrated = toSendError(
      grammyError(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: -1001,
      }),
    );
    expect(migrated).toBeInstanceOf(ChatMigratedError);
    expect((migrated as ChatMigratedError).newChatId).toBe(-1001);
    for (const text of [
      'bot was blocked by the user',
      'user is deactivated',
      'bot was kicked from the group chat',
    ]) {
      expect(toSendError(grammyError(403, `Forbidden: ${text}`))).toBeInstanceOf(RecipientBlockedError);
    }
    expect(toSendError(grammyError(400, 'Bad Request: chat not found'))).toBeInstanceOf(ChatNotFoundError);
    expect(toSendError(grammyError(500, 'Internal Server Error'))).toBeInstanceOf(TransientSendError);
    expect(toSendError(grammyError(401, 'Unauthorized'))).toBeInstanceOf(FatalSendError);
    const refused = toSendError(grammyError(400, "Bad Request: can't parse entities"));
    expect(refused).toBeInstanceOf(PermanentSendError);
    expect(refused.reason).toBe('content_rejected');
    expect(toSendError(new HttpError('Network request failed', new Error('ECONNRESET')))).toBeInstanceOf(
      TransientSendError,
    );
  });

  it('never carry the bot token into messages', () => {
    const err = toSendError(
      new HttpError('request to https://api/bot123456:SECRET-token_x/sendMessage failed', null),
    );
    expect(err.message).not.toContain('SECRET');
  });
});

describe('metrics', () => {
  it('render counters, gauges and histograms in the Prometheus text format', () => {
    const registry = new MetricsRegistry();
    const m = dispatchMetrics(registry);
    m.sent.inc();
    m.sent.inc();
    m.failed.inc({ reason: 'blocked' });
    m.queueDepth.set(12, { campaign: '7' });
    m.latency.observe(0.03);
    const text = registry.render();
    expect(text).toContain('# TYPE dispatch_messages_sent_total counter\ndispatch_messages_sent_total 2');
    expect(text).toContain('dispatch_messages_failed_total{reason="blocked"} 1');
    expect(text).toContain('dispatch_queue_depth{campaign="7"} 12');
    expect(text).toContain('dispatch_send_duration_seconds_bucket{le="0.025"} 0');
    expect(text).toContain('dispatch_send_duration_seconds_bucket{le="0.05"} 1');
    expect(text).toContain('dispatch_send_duration_seconds_bucket{le="+Inf"} 1');
    expect(text).toContain('dispatch_send_duration_seconds_count 1');
    expect(dispatchMetrics(registry).sent).toBe(m.sent);
  });
});

describe('progress text', () => {
  it('draws a bar and a duration', () => {
    expect(progressBar(0, 10)).toBe('▱▱▱▱▱▱▱▱▱▱');
    expect(progressBar(5, 10)).toBe('▰▰▰▰▰▱▱▱▱▱');
    expect(progressBar(0, 0)).toBe('▰▰▰▰▰▰▰▰▰▰');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('exists in English and Russian with the same keys, a reason for every failure', () => {
    const keys = (lang: string) =>
      readFileSync(fileURLToPath(new URL(`../../locales/${lang}/dispatch.ftl`, import.meta.url)), 'utf8')
        .split('\n')
        .map((line) => /^([a-z][\w-]*) =/.exec(line)?.[1])
        .filter((k): k is string => k !== undefined)
        .sort();
    expect(keys('ru')).toEqual(keys('en'));
    for (const reason of FAILURE_REASONS) expect(keys('en')).toContain(`dispatch-reason-${reason}`);
    const t = createTranslate();
    const text = t('ru', 'dispatch-progress', {
      name: 'Распродажа',
      id: '12',
      bar: progressBar(1, 2),
      percent: 50,
      sent: 6748,
      failed: 2,
      unknown: 0,
      remaining: 5,
      total: 6755,
      eta: formatDuration(30),
    });
    expect(text).toContain('Распродажа (#12)');
    expect(text).toContain('Осталось времени: 0:30');
    expect(
      t('en', 'dispatch-summary-published', { name: 'Sale', id: '3', sent: 6748, total: 6755, failed: 7 }),
    ).toBe('✅ Sale (#3) is published.\nSent: 6,748 of 6,755 · Failed: 7');
  });
});
