import { FAILURE_REASONS, type FailureReason } from '../domain/analytics.js';
import { formatInZone } from '../domain/schedule.js';
import type { Logger } from '../logger.js';
import { RateLimitedError } from './errors.js';
import type { SendLimiter } from './limiter.js';
import type { TelegramMessenger } from './messengers/telegram.messenger.js';
import type { Translate } from './types.js';

export interface ProgressFigures {
  total: number;
  sent: number;
  failed: number;
  unknown: number;
}

export type RunEnd =
  | {
      kind: 'published' | 'failed';
      reasons: Partial<Record<FailureReason, number>>;
      next?: Date;
      zone?: string;
    }
  | { kind: 'paused' | 'cancelled' }
  | { kind: 'auto_paused'; reason: FailureReason; count: number };

export interface ProgressReporter {
  /** Sends the progress message if there is none yet (or none from an earlier segment of this run). */
  start(figures: ProgressFigures): Promise<void>;
  /** At most every `intervalMs`; cheap to call after every result. */
  update(figures: ProgressFigures): void;
  finish(figures: ProgressFigures, end: RunEnd): Promise<void>;
  /** Drops a pending edit (the run stops without a summary: shutdown, lost lease). */
  close(): Promise<void>;
}

export interface ProgressOptions {
  messenger: TelegramMessenger;
  limiter: SendLimiter;
  translate: Translate;
  logger: Logger;
  locale: string;
  chatId: number;
  campaign: { id: number; name: string };
  /** the message of an earlier segment of this run (resume, takeover): edited instead of a new one */
  existingMessageId?: number;
  onMessage(messageId: number): Promise<void>;
  intervalMs?: number;
  now?: () => number;
}

const BAR_CELLS = 10;

export function progressBar(done: number, total: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const full = Math.round(share * BAR_CELLS);
  return '▰'.repeat(full) + '▱'.repeat(BAR_CELLS - full);
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

const done = (f: ProgressFigures) => f.sent + f.failed + f.unknown;

/**
 * One message per run in the chat of the admin who started it, edited no more often than every few
 * seconds. Every failure here is logged and swallowed: progress never breaks a run.
 */
export function createProgressReporter(opts: ProgressOptions): ProgressReporter {
  const interval = opts.intervalMs ?? 3000;
  const now = opts.now ?? Date.now;
  const t = (key: string, params?: Record<string, string | number>) =>
    opts.translate(opts.locale, key, params);
  let messageId = opts.existingMessageId;
  let lastText = '';
  let lastEditAt = 0;
  let editing: Promise<void> | undefined;
  let pending: ProgressFigures | undefined;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  // Recent (time, done) samples for the ETA: the rate of the last ~20 s, not of the whole run.
  const samples: { at: number; done: number }[] = [];

  const eta = (f: ProgressFigures): string => {
    const at = now();
    samples.push({ at, done: done(f) });
    while (samples.length > 2 && at - (samples[0]?.at ?? at) > 20_000) samples.shift();
    const first = samples[0];
    const remaining = f.total - done(f);
    if (!first || remaining <= 0) return formatDuration(0);
    const rate = (done(f) - first.done) / Math.max(0.001, (at - first.at) / 1000);
    return rate > 0 ? formatDuration(remaining / rate) : '…';
  };

  const text = (f: ProgressFigures) =>
    t('dispatch-progress', {
      name: opts.campaign.name,
      id: String(opts.campaign.id),
      bar: progressBar(done(f), f.total),
      percent: f.total > 0 ? Math.floor((done(f) / f.total) * 100) : 100,
      sent: f.sent,
      failed: f.failed,
      unknown: f.unknown,
      remaining: Math.max(0, f.total - done(f)),
      total: f.total,
      eta: eta(f),
    });

  const guard = async (what: string, fn: () => Promise<void>) => {
    try {
      try {
        await fn();
      } catch (err) {
        // One more try after a 429's retry_after; anything else is given up at once.
        if (!(err instanceof RateLimitedError) || err.retryAfter > 30) throw err;
        await new Promise((res) => setTimeout(res, err.retryAfter * 1000));
        await fn();
      }
    } catch (err) {
      opts.logger.warn({ err: String(err), campaignId: opts.campaign.id, what }, 'progress message failed');
    }
  };

  const acquire = async (perChat: boolean) => {
    for (let i = 0; i < 20; i++) {
      const r = await opts.limiter.tryAcquire(
        { chatId: opts.chatId, kind: 'private' },
        { priority: 1, perChat },
      );
      if (r.ok) return r.go();
      await new Promise((res) => setTimeout(res, Math.min(r.waitMs, 5000)));
    }
  };

  const edit = async (body: string) => {
    if (messageId === undefined || body === lastText) return;
    await acquire(false);
    await opts.messenger.editText(opts.chatId, messageId, body);
    lastText = body;
    lastEditAt = now();
  };

  const flush = () => {
    timer = undefined;
    if (!pending || editing || finished) return;
    const f = pending;
    pending = undefined;
    editing = guard('edit', () => edit(text(f))).finally(() => {
      editing = undefined;
    });
  };

  return {
    async start(figures) {
      if (messageId !== undefined) return;
      await guard('send', async () => {
        await acquire(true);
        const body = text(figures);
        const sent = await opts.messenger.sendText(opts.chatId, body);
        messageId = sent.messageId;
        lastText = body;
        lastEditAt = now();
        await opts.onMessage(sent.messageId);
      });
    },

    update(figures) {
      if (finished) return;
      pending = figures;
      if (timer || editing) return;
      const wait = Math.max(0, lastEditAt + interval - now());
      timer = setTimeout(flush, wait);
      timer.unref?.();
    },

    async close() {
      finished = true;
      if (timer) clearTimeout(timer);
      await editing;
    },

    async finish(figures, end) {
      finished = true;
      if (timer) clearTimeout(timer);
      await editing;
      await guard('final edit', () => edit(text(figures)));
      const base = {
        name: opts.campaign.name,
        id: String(opts.campaign.id),
        sent: figures.sent,
        failed: figures.failed,
        unknown: figures.unknown,
        total: figures.total,
      };
      let summary: string;
      switch (end.kind) {
        case 'published':
        case 'failed': {
          const lines = FAILURE_REASONS.filter((r) => (end.reasons[r] ?? 0) > 0).map((r) =>
            t('dispatch-summary-reason', { reason: t(`dispatch-reason-${r}`), count: end.reasons[r] ?? 0 }),
          );
          summary = [
            t(`dispatch-summary-${end.kind}`, base),
            ...lines,
            ...(figures.unknown > 0 ? [t('dispatch-summary-unknown', { unknown: figures.unknown })] : []),
            ...(end.next
              ? [t('dispatch-summary-next', { next: formatInZone(end.next, end.zone ?? 'UTC') })]
              : []),
          ].join('\n');
          break;
        }
        case 'paused':
          summary = t('dispatch-paused', base);
          break;
        case 'cancelled':
          summary = t('dispatch-cancelled', base);
          break;
        case 'auto_paused':
          summary = t('dispatch-auto-paused', {
            ...base,
            count: end.count,
            reason: t(`dispatch-reason-${end.reason}`),
          });
          break;
      }
      await guard('summary', async () => {
        await acquire(true);
        await opts.messenger.sendText(opts.chatId, summary);
      });
    },
  };
}
