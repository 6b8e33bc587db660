import type { Platform } from './campaign.js';

export const DELIVERY_STATUSES = [
  'pending',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'unknown',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const FAILURE_REASONS = [
  'invalid_number',
  'blocked',
  'network',
  'platform_restriction',
  'rate_limited',
  'chat_not_found',
  'content_rejected',
  'unknown',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export interface StatsInput {
  /** Telegram has no delivery receipts: on Telegram a `sent` delivery counts as delivered. */
  platform?: Platform;
  /** deliveries per current status; each delivery is counted once, under its latest status */
  counts: Partial<Record<DeliveryStatus, number>>;
  failureReasons?: Partial<Record<FailureReason, number>>;
  clicked?: number;
  responses?: number;
  conversions?: number;
  views?: number;
  shares?: number;
  /** sum and number of response delays, as a `$sum` aggregation yields them */
  responseTimes?: { totalMs: number; count: number };
}

export interface Percentages {
  pending: number;
  delivered: number;
  failed: number;
  read: number;
  clicked: number;
  responses: number;
  conversions: number;
  views: number;
  shares: number;
}

export interface CampaignStats {
  /** every delivery of the run */
  total: number;
  /** not attempted yet or in flight (`pending` + `sending`) */
  pending: number;
  /** attempted: everything that left or was tried, i.e. delivered + failed + awaiting receipt + unknown */
  sent: number;
  /** reached the recipient; includes read */
  delivered: number;
  read: number;
  failed: number;
  /** outcome lost (crash during the platform call) */
  unknown: number;
  clicked: number;
  responses: number;
  conversions: number;
  views: number;
  shares: number;
  /** one decimal; `pending` is a share of `total`, every other figure a share of `sent` */
  percent: Percentages;
  /** every reason present; failures without a recorded reason are counted as `unknown` */
  failureReasons: Record<FailureReason, number>;
  engagement: {
    clickThroughRate: number;
    responseRate: number;
    conversionRate: number;
    averageResponseMinutes: number;
  };
}

/** `part` as a percentage of `whole`, rounded to one decimal; 0 when `whole` is 0. */
export function percent(part: number, whole: number): number {
  if (whole <= 0 || !Number.isFinite(whole)) return 0;
  return Math.round((part / whole) * 1000) / 10;
}

/** `98.7%`, `0%`. */
export function formatPercent(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded : rounded.toFixed(1)}%`;
}

/** `6,748`. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function computeStats(input: StatsInput): CampaignStats {
  const n = (status: DeliveryStatus) => input.counts[status] ?? 0;
  const receiptless = input.platform === 'telegram';
  const read = n('read');
  const delivered = n('delivered') + read + (receiptless ? n('sent') : 0);
  const awaitingReceipt = receiptless ? 0 : n('sent');
  const failed = n('failed');
  const unknown = n('unknown');
  const pending = n('pending') + n('sending');
  const sent = delivered + awaitingReceipt + failed + unknown;
  const total = sent + pending;

  const clicked = input.clicked ?? 0;
  const responses = input.responses ?? 0;
  const conversions = input.conversions ?? 0;
  const views = input.views ?? 0;
  const shares = input.shares ?? 0;

  const failureReasons = Object.fromEntries(
    FAILURE_REASONS.map((r) => [r, input.failureReasons?.[r] ?? 0]),
  ) as Record<FailureReason, number>;
  const explained = FAILURE_REASONS.reduce((sum, r) => sum + failureReasons[r], 0);
  if (explained < failed) failureReasons.unknown += failed - explained;

  const times = input.responseTimes;
  const averageResponseMinutes =
    times && times.count > 0 ? Math.round((times.totalMs / times.count / 60_000) * 10) / 10 : 0;

  return {
    total,
    pending,
    sent,
    delivered,
    read,
    failed,
    unknown,
    clicked,
    responses,
    conversions,
    views,
    shares,
    percent: {
      pending: percent(pending, total),
      delivered: percent(delivered, sent),
      failed: percent(failed, sent),
      read: percent(read, sent),
      clicked: percent(clicked, sent),
      responses: percent(responses, sent),
      conversions: percent(conversions, sent),
      views: percent(views, sent),
      shares: percent(shares, sent),
    },
    failureReasons,
    engagement: {
      clickThroughRate: percent(clicked, sent),
      responseRate: percent(responses, sent),
      conversionRate: percent(conversions, sent),
      averageResponseMinutes,
    },
  };
}

/**
 * One run's counters, kept as events happen (never counted from the deliveries on a hot path).
 * `sent` is every accepted send, whatever receipts came after it; `delivered` counts the deliveries
 * that reached delivered or read, `read` those that were read (WhatsApp receipts; 0 on Telegram).
 * `sends` and `firstClicks` are per quarter hour (UTC ms / 900,000), for the over-time chart: a
 * quarter hour divides into every time zone's offsets, so the chart can bucket them in any zone.
 */
export interface RunCounters {
  /** the run's audience, once expanded */
  total: number;
  sent: number;
  failed: number;
  unknown: number;
  reasons: Partial<Record<FailureReason, number>>;
  delivered: number;
  read: number;
  /** recipients who clicked (first clicks) */
  clicked: number;
  /** every click, repeats included */
  clicks: number;
  responded: number;
  /** sum of the first responses' delays */
  responseMs: number;
  converted: number;
  sends: Record<number, number>;
  firstClicks: Record<number, number>;
}

export const QUARTER_HOUR_MS = 900_000;
export const quarterOf = (ms: number): number => Math.floor(ms / QUARTER_HOUR_MS);

export function emptyCounters(): RunCounters {
  return {
    total: 0,
    sent: 0,
    failed: 0,
    unknown: 0,
    reasons: {},
    delivered: 0,
    read: 0,
    clicked: 0,
    clicks: 0,
    responded: 0,
    responseMs: 0,
    converted: 0,
    sends: {},
    firstClicks: {},
  };
}

function addRecord(a: Record<number, number>, b: Record<number, number>): Record<number, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[Number(k)] = (out[Number(k)] ?? 0) + v;
  return out;
}

/** Several runs together (a campaign's totals, the overview). */
export function addCounters(a: RunCounters, b: RunCounters): RunCounters {
  const reasons = { ...a.reasons };
  for (const [r, n] of Object.entries(b.reasons) as [FailureReason, number][]) {
    reasons[r] = (reasons[r] ?? 0) + n;
  }
  return {
    total: a.total + b.total,
    sent: a.sent + b.sent,
    failed: a.failed + b.failed,
    unknown: a.unknown + b.unknown,
    reasons,
    delivered: a.delivered + b.delivered,
    read: a.read + b.read,
    clicked: a.clicked + b.clicked,
    clicks: a.clicks + b.clicks,
    responded: a.responded + b.responded,
    responseMs: a.responseMs + b.responseMs,
    converted: a.converted + b.converted,
    sends: addRecord(a.sends, b.sends),
    firstClicks: addRecord(a.firstClicks, b.firstClicks),
  };
}

/**
 * The figures of a run (or of several added together) from its counters: the same definitions as
 * computeStats over the deliveries' statuses, so every screen shows the same numbers.
 */
export function statsFromCounters(platform: Platform, c: RunCounters): CampaignStats {
  const read = Math.min(c.read, c.delivered);
  const delivered = Math.min(c.delivered, c.sent);
  const attempted = c.sent + c.failed + c.unknown;
  return computeStats({
    platform,
    counts: {
      sent: c.sent - delivered,
      delivered: delivered - read,
      read,
      failed: c.failed,
      unknown: c.unknown,
      pending: Math.max(0, c.total - attempted),
    },
    failureReasons: c.reasons,
    clicked: c.clicked,
    responses: c.responded,
    conversions: c.converted,
    responseTimes: { totalMs: c.responseMs, count: c.responded },
  });
}
