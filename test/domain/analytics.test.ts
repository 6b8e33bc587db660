import { describe, expect, it } from 'vitest';
import { computeStats, formatCount, formatPercent, percent } from '../../src/domain/analytics.js';

describe('percent and formatting', () => {
  it('rounds to one decimal and returns 0 for an empty base', () => {
    expect(percent(154, 156)).toBe(98.7);
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(5, 0)).toBe(0);
    expect(percent(0, 0)).toBe(0);
  });

  it('formats like the seed', () => {
    expect(formatPercent(98.7)).toBe('98.7%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(100)).toBe('100%');
    expect(formatPercent(28.846)).toBe('28.8%');
    expect(formatCount(6748)).toBe('6,748');
    expect(formatCount(156)).toBe('156');
  });
});

describe('computeStats: the seed WhatsApp campaign "Flash Offer – 50% Off Today"', () => {
  // 154 delivered of which 128 read, 2 failed (1 invalid number, 1 network error).
  const stats = computeStats({
    platform: 'whatsapp',
    counts: { delivered: 26, read: 128, failed: 2, pending: 0 },
    failureReasons: { invalid_number: 1, network: 1 },
    clicked: 45,
    responses: 23,
    conversions: 8,
    responseTimes: { totalMs: 23 * 15 * 60_000, count: 23 },
  });

  it('reports Sent 156, Delivered 154 (98.7%), Failed 2 (1.3%), Read 128 (82.1%)', () => {
    expect(stats.sent).toBe(156);
    expect(stats.delivered).toBe(154);
    expect(stats.failed).toBe(2);
    expect(stats.read).toBe(128);
    expect(stats.percent.delivered).toBe(98.7);
    expect(stats.percent.failed).toBe(1.3);
    expect(stats.percent.read).toBe(82.1);
  });

  it('reports Clicked 45 (28.8%), Responses 23 (14.7%), Pending 0 (0%)', () => {
    expect(stats.percent.clicked).toBe(28.8);
    expect(stats.percent.responses).toBe(14.7);
    expect(stats.pending).toBe(0);
    expect(formatPercent(stats.percent.pending)).toBe('0%');
  });

  it('reports the failure reasons with zeros for the others', () => {
    expect(stats.failureReasons).toMatchObject({
      invalid_number: 1,
      blocked: 0,
      network: 1,
      platform_restriction: 0,
      unknown: 0,
    });
  });

  it('reports CTR 28.8%, response rate 14.7%, conversion 5.1%, 15 minutes', () => {
    expect(stats.engagement).toEqual({
      clickThroughRate: 28.8,
      responseRate: 14.7,
      conversionRate: 5.1,
      averageResponseMinutes: 15,
    });
  });
});

describe('computeStats: the seed Telegram campaign "Weekend Special Offer"', () => {
  it('reports 6,748 sent, 6,742 delivered (99.9%), 6 failed (0.1%), views, clicks and shares', () => {
    const stats = computeStats({
      platform: 'telegram',
      counts: { sent: 6742, failed: 6 },
      views: 5234,
      clicked: 892,
      shares: 156,
    });
    expect(formatCount(stats.sent)).toBe('6,748');
    expect(formatCount(stats.delivered)).toBe('6,742');
    expect(stats.percent.delivered).toBe(99.9);
    expect(stats.failed).toBe(6);
    expect(stats.percent.failed).toBe(0.1);
    expect(stats.percent.views).toBe(77.6);
    expect(stats.percent.clicked).toBe(13.2);
    expect(stats.percent.shares).toBe(2.3);
    expect(stats.failureReasons.unknown).toBe(6);
  });
});

describe('computeStats definitions', () => {
  it('counts a read message as delivered and a sent-without-receipt one as sent only, on WhatsApp', () => {
    const stats = computeStats({ platform: 'whatsapp', counts: { sent: 10, delivered: 5, read: 5 } });
    expect(stats).toMatchObject({ sent: 20, delivered: 10, read: 5 });
    expect(stats.percent.delivered).toBe(50);
  });

  it('counts a sent message as delivered on Telegram, which has no receipts', () => {
    expect(computeStats({ platform: 'telegram', counts: { sent: 10 } }).delivered).toBe(10);
  });

  it('keeps pending and in-flight messages out of sent and reports them as a share of all', () => {
    const stats = computeStats({
      counts: { pending: 30, sending: 10, delivered: 50, failed: 5, unknown: 5 },
    });
    expect(stats).toMatchObject({ total: 100, pending: 40, sent: 60, delivered: 50, failed: 5, unknown: 5 });
    expect(stats.percent.pending).toBe(40);
    expect(stats.percent.delivered).toBe(83.3);
  });

  it('puts failures without a recorded reason under unknown', () => {
    const stats = computeStats({ counts: { failed: 5 }, failureReasons: { blocked: 2, rate_limited: 1 } });
    expect(stats.failureReasons).toMatchObject({ blocked: 2, rate_limited: 1, unknown: 2 });
  });

  it('returns zeros, not NaN, for a campaign with no deliveries', () => {
    const stats = computeStats({ counts: {}, clicked: 3, responseTimes: { totalMs: 0, count: 0 } });
    expect(stats.sent).toBe(0);
    expect(Object.values(stats.percent).every((v) => v === 0)).toBe(true);
    expect(stats.engagement).toEqual({
      clickThroughRate: 0,
      responseRate: 0,
      conversionRate: 0,
      averageResponseMinutes: 0,
    });
  });

  it('averages response times in minutes with one decimal', () => {
    const stats = computeStats({
      counts: { delivered: 3 },
      responseTimes: { totalMs: 3 * 60_000 + 30_000, count: 2 },
    });
    expect(stats.engagement.averageResponseMinutes).toBe(1.8);
  });
});
