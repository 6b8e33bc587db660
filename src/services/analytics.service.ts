import { DateTime } from 'luxon';
import { createAnalyticsRepository, type FigureRow } from '../db/analytics.repository.js';
import { type Campaign, createCampaignRepository } from '../db/campaign.repository.js';
import {
  type CampaignStats,
  computeStats,
  type DeliveryStatus,
  type FailureReason,
  percent,
} from '../domain/analytics.js';
import type { Platform } from '../domain/campaign.js';
import { NotFoundError } from '../domain/errors.js';
import { assertTimeZone, formatInZone } from '../domain/schedule.js';
import { toCsv } from './csv.js';
import type { ServiceDeps } from './deps.js';
import { systemClock } from './deps.js';

export interface RunStats {
  run: number;
  startedAt?: Date;
  finishedAt?: Date;
  stats: CampaignStats;
}

export interface CampaignReport {
  campaign: Campaign;
  /** all runs together */
  total: CampaignStats;
  /** every click on a tracked link, repeats included (`clicked` counts recipients) */
  totalClicks: number;
  /** Telegram: reactions on the campaign's messages in groups and channels, as last reported */
  reactions: number;
  /** one entry per run that has deliveries, oldest first */
  runs: RunStats[];
}

export interface OverviewCampaign {
  id: number;
  name: string;
  platform: Platform;
  sent: number;
  clicked: number;
  clickThroughRate: number;
}

export interface Overview {
  /** undefined: all time */
  days?: number;
  from?: Date;
  campaigns: number;
  sent: number;
  delivered: number;
  failed: number;
  clicked: number;
  percent: { delivered: number; failed: number; clicked: number };
  /** highest click-through first (ties: more sent first), at most `top` */
  top: OverviewCampaign[];
}

export interface Timeline {
  unit: 'hour' | 'day';
  /** bucket starts, formatted in the admin's zone */
  labels: string[];
  sends: number[];
  clicks: number[];
}

/** Deliveries per (run, status, reason) and the engagement flags, folded into the domain's figures. */
function statsOf(platform: Platform, rows: readonly FigureRow[]): CampaignStats {
  const counts: Partial<Record<DeliveryStatus, number>> = {};
  const failureReasons: Partial<Record<FailureReason, number>> = {};
  let clicked = 0;
  let responses = 0;
  let conversions = 0;
  let totalMs = 0;
  let timed = 0;
  for (const row of rows) {
    counts[row.status] = (counts[row.status] ?? 0) + row.count;
    if (row.status === 'failed' && row.reason) {
      failureReasons[row.reason] = (failureReasons[row.reason] ?? 0) + row.count;
    }
    if (row.clicked) clicked += row.count;
    if (row.responded) responses += row.count;
    if (row.converted) conversions += row.count;
    if (row.responseMs !== undefined) {
      totalMs += row.responseMs * row.count;
      timed += row.count;
    }
  }
  return computeStats({
    platform,
    counts,
    failureReasons,
    clicked,
    responses,
    conversions,
    responseTimes: { totalMs, count: timed },
  });
}

const EXPORT_FIELDS = [
  'run',
  'recipient',
  'name',
  'status',
  'reason',
  'attempts',
  'sentAt',
  'deliveredAt',
  'readAt',
  'failedAt',
  'clickedAt',
  'clicks',
  'respondedAt',
  'convertedAt',
] as const;

/** Analytics come from the deliveries themselves (the campaign's counters are only a cache). */
export function createAnalyticsService(deps: ServiceDeps) {
  const { models } = deps;
  const clock = deps.clock ?? systemClock;
  const campaigns = createCampaignRepository(models);
  const repo = createAnalyticsRepository(models);

  async function campaignOrThrow(id: number): Promise<Campaign> {
    const campaign = await campaigns.get(id);
    if (!campaign) throw new NotFoundError('campaign', id);
    return campaign;
  }

  return {
    /** One run's figures, or all runs together when `run` is omitted (one aggregation). */
    async campaignStats(id: number, run?: number): Promise<CampaignStats> {
      const [campaign, rows] = await Promise.all([campaignOrThrow(id), repo.figures(id, run)]);
      return statsOf(campaign.platform, rows);
    },

    /** All runs together, each run on its own, and the total clicks: one aggregation for all of it. */
    async campaignReport(id: number): Promise<CampaignReport> {
      const [campaign, rows, reactions] = await Promise.all([
        campaignOrThrow(id),
        repo.figures(id),
        repo.reactions(id),
      ]);
      const byRun = new Map<number, FigureRow[]>();
      let totalClicks = 0;
      for (const row of rows) {
        byRun.set(row.run, [...(byRun.get(row.run) ?? []), row]);
        totalClicks += row.clicks * row.count;
      }
      const history = new Map(campaign.runs.map((r) => [r.run, r]));
      const runs = [...byRun.entries()]
        .sort(([a], [b]) => a - b)
        .map(([run, list]) => {
          const h = history.get(run);
          return {
            run,
            ...(h?.startedAt ? { startedAt: new Date(h.startedAt) } : {}),
            ...(h?.finishedAt ? { finishedAt: new Date(h.finishedAt) } : {}),
            stats: statsOf(campaign.platform, list),
          };
        });
      return { campaign, total: statsOf(campaign.platform, rows), totalClicks, reactions, runs };
    },

    /**
     * Telegram's `message_reaction_count` update (groups and channels where the bot is an admin):
     * the message's new reaction total. Returns the campaign it belongs to, or null.
     */
    async recordReactions(chatId: number, messageId: number, total: number): Promise<number | null> {
      return repo.recordReactions(chatId, messageId, total, clock());
    },

    /** Totals of every campaign over the last `days` days (all time without it), and the top by CTR. */
    async overview(opts: { days?: number; top?: number } = {}): Promise<Overview> {
      const from = opts.days ? new Date(clock().getTime() - opts.days * 86_400_000) : undefined;
      const rows = await repo.overview(from);
      const ids = [...new Set(rows.map((r) => r.campaignId))];
      const byId = new Map((await campaigns.byIds(ids)).map((c) => [c.id, c]));
      const list: (OverviewCampaign & { delivered: number; failed: number })[] = [];
      for (const id of ids) {
        const c = byId.get(id);
        if (!c) continue;
        const mine = rows.filter((r) => r.campaignId === id);
        const counts: Partial<Record<DeliveryStatus, number>> = {};
        let clicked = 0;
        for (const r of mine) {
          counts[r.status] = (counts[r.status] ?? 0) + r.count;
          if (r.clicked) clicked += r.count;
        }
        const s = computeStats({ platform: c.platform, counts, clicked });
        list.push({
          id,
          name: c.name,
          platform: c.platform,
          sent: s.sent,
          delivered: s.delivered,
          failed: s.failed,
          clicked,
          clickThroughRate: s.engagement.clickThroughRate,
        });
      }
      const sum = (f: (c: (typeof list)[number]) => number) => list.reduce((a, c) => a + f(c), 0);
      const sent = sum((c) => c.sent);
      const delivered = sum((c) => c.delivered);
      const failed = sum((c) => c.failed);
      const clicked = sum((c) => c.clicked);
      const top = list
        .filter((c) => c.sent > 0)
        .sort((a, b) => b.clickThroughRate - a.clickThroughRate || b.sent - a.sent || a.id - b.id)
        .slice(0, opts.top ?? 5)
        .map(({ delivered: _d, failed: _f, ...c }) => c);
      return {
        ...(opts.days ? { days: opts.days } : {}),
        ...(from ? { from } : {}),
        campaigns: list.length,
        sent,
        delivered,
        failed,
        clicked,
        percent: {
          delivered: percent(delivered, sent),
          failed: percent(failed, sent),
          clicked: percent(clicked, sent),
        },
        top,
      };
    },

    /** Sends and first clicks per hour (a span up to two days) or per day, in the admin's zone. */
    async timeline(id: number, zone: string): Promise<Timeline> {
      await campaignOrThrow(id);
      const tz = assertTimeZone(zone);
      const sends: number[] = [];
      const clicks: number[] = [];
      for await (const p of repo.timeline(id)) {
        if (p.sentAt) sends.push(new Date(p.sentAt).getTime());
        if (p.clickedAt) clicks.push(new Date(p.clickedAt).getTime());
      }
      const all = [...sends, ...clicks];
      if (all.length === 0) return { unit: 'hour', labels: [], sends: [], clicks: [] };
      const min = Math.min(...all);
      const max = Math.max(...all);
      const unit = max - min <= 2 * 86_400_000 ? 'hour' : 'day';
      const start = DateTime.fromMillis(min, { zone: tz }).startOf(unit);
      const index = (ms: number) =>
        Math.floor(DateTime.fromMillis(ms, { zone: tz }).startOf(unit).diff(start, unit).as(unit) + 1e-9);
      const size = index(max) + 1;
      const out: Timeline = {
        unit,
        labels: Array.from({ length: size }, (_, i) =>
          start.plus({ [unit]: i }).toFormat(unit === 'hour' ? 'MM-dd HH:mm' : 'yyyy-MM-dd'),
        ),
        sends: new Array(size).fill(0),
        clicks: new Array(size).fill(0),
      };
      for (const ms of sends) out.sends[index(ms)] = (out.sends[index(ms)] ?? 0) + 1;
      for (const ms of clicks) out.clicks[index(ms)] = (out.clicks[index(ms)] ?? 0) + 1;
      return out;
    },

    /**
     * Every delivery of the campaign as CSV (one row each, every run), times in `zone`. toCsv gives
     * cells that a spreadsheet would run as a formula a leading apostrophe (numbers left alone).
     */
    async deliveriesCsv(
      id: number,
      zone: string,
      header?: readonly string[],
    ): Promise<{ csv: string; rows: number }> {
      await campaignOrThrow(id);
      const time = (d: Date | undefined) => (d ? formatInZone(new Date(d), zone, { showZone: false }) : '');
      const rows: string[][] = [];
      for await (const d of repo.exportRows(id)) {
        rows.push([
          String(d.run),
          d.phone ?? (d.chatId !== undefined ? String(d.chatId) : d.recipient.replace(/^(tg|wa):/, '')),
          d.name ?? '',
          d.status,
          d.reason ?? '',
          String(d.attempts ?? 0),
          time(d.sentAt),
          time(d.deliveredAt),
          time(d.readAt),
          time(d.failedAt),
          time(d.clickedAt),
          String(d.clicks ?? 0),
          time(d.respondedAt),
          time(d.convertedAt),
        ]);
      }
      return { csv: toCsv(header ?? EXPORT_FIELDS, rows), rows: rows.length };
    },

    exportFields: EXPORT_FIELDS,
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
