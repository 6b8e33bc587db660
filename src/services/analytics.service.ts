import { DateTime } from 'luxon';
import { createAnalyticsRepository } from '../db/analytics.repository.js';
import { type Campaign, createCampaignRepository } from '../db/campaign.repository.js';
import {
  addCounters,
  type CampaignStats,
  emptyCounters,
  percent,
  QUARTER_HOUR_MS,
  type RunCounters,
  statsFromCounters,
} from '../domain/analytics.js';
import type { Platform } from '../domain/campaign.js';
import { NotFoundError } from '../domain/errors.js';
import { assertTimeZone, formatInZone } from '../domain/schedule.js';
import { toCsv } from './csv.js';
import type { ServiceDeps } from './deps.js';
import { systemClock } from './deps.js';
import type { FiguresService, RunFigures } from './figures.service.js';

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

export interface RunProgress {
  run: number;
  total: number;
  sent: number;
  failed: number;
  unknown: number;
}

/** Quarter-hour buckets (UTC) of several runs, as instants. */
function instants(buckets: Record<number, number>): [number, number][] {
  return Object.entries(buckets).map(([q, n]) => [Number(q) * QUARTER_HOUR_MS, n]);
}

/**
 * Every figure comes from the run counters (counter.store.ts, through the figures service), so the
 * card, the progress message, /stats, the overview and the charts show the same numbers; the CSV
 * export lists the deliveries they count.
 */
export function createAnalyticsService(deps: ServiceDeps & { figures: FiguresService }) {
  const { models, figures } = deps;
  const clock = deps.clock ?? systemClock;
  const campaigns = createCampaignRepository(models);
  const repo = createAnalyticsRepository(models);

  async function campaignOrThrow(id: number): Promise<Campaign> {
    const campaign = await campaigns.get(id);
    if (!campaign) throw new NotFoundError('campaign', id);
    return campaign;
  }

  const sum = (runs: readonly RunFigures[]) =>
    runs.reduce((a, r) => addCounters(a, r.counters), emptyCounters());

  return {
    /** One run's figures, or all runs together when `run` is omitted. */
    async campaignStats(id: number, run?: number): Promise<CampaignStats> {
      const campaign = await campaignOrThrow(id);
      const runs = await figures.runs(campaign, run);
      return statsFromCounters(campaign.platform, sum(runs));
    },

    /** The current run's progress for the campaign card (null before its first run). */
    async runProgress(c: Pick<Campaign, 'id' | 'platform' | 'run' | 'runs'>): Promise<RunProgress | null> {
      if (c.run === 0) return null;
      const [current] = await figures.runs(c, c.run);
      if (!current) return null;
      const k = current.counters;
      return { run: c.run, total: k.total, sent: k.sent, failed: k.failed, unknown: k.unknown };
    },

    /** All runs together, each run on its own, and the total clicks. */
    async campaignReport(id: number): Promise<CampaignReport> {
      const campaign = await campaignOrThrow(id);
      const [runs, reactions] = await Promise.all([figures.runs(campaign), repo.reactions(id)]);
      const history = new Map(campaign.runs.map((r) => [r.run, r]));
      const all = sum(runs);
      return {
        campaign,
        total: statsFromCounters(campaign.platform, all),
        totalClicks: all.clicks,
        reactions,
        runs: runs.map(({ run, counters }) => {
          const h = history.get(run);
          return {
            run,
            ...(h?.startedAt ? { startedAt: new Date(h.startedAt) } : {}),
            ...(h?.finishedAt ? { finishedAt: new Date(h.finishedAt) } : {}),
            stats: statsFromCounters(campaign.platform, counters),
          };
        }),
      };
    },

    /**
     * Telegram's `message_reaction_count` update (groups and channels where the bot is an admin):
     * the message's new reaction total. Returns the campaign it belongs to, or null.
     */
    async recordReactions(chatId: number, messageId: number, total: number): Promise<number | null> {
      return repo.recordReactions(chatId, messageId, total, clock());
    },

    /**
     * Totals of the runs that started in the last `days` days (all time without it), and the top
     * campaigns by click-through. Read from the counters: one Redis round trip for every run.
     */
    async overview(opts: { days?: number; top?: number } = {}): Promise<Overview> {
      const from = opts.days ? new Date(clock().getTime() - opts.days * 86_400_000) : undefined;
      const byCampaign = new Map<number, { platform?: Platform; counters: RunCounters }>();
      for (const r of await figures.since(from)) {
        const entry = byCampaign.get(r.campaignId) ?? { counters: emptyCounters() };
        entry.counters = addCounters(entry.counters, r.counters);
        entry.platform ??= r.platform;
        byCampaign.set(r.campaignId, entry);
      }
      const list = [...byCampaign.entries()].map(([id, e]) => {
        const s = statsFromCounters(e.platform ?? 'telegram', e.counters);
        return {
          id,
          sent: s.sent,
          delivered: s.delivered,
          failed: s.failed,
          clicked: s.clicked,
          ctr: s.engagement.clickThroughRate,
        };
      });
      const total = (f: (c: (typeof list)[number]) => number) => list.reduce((a, c) => a + f(c), 0);
      const sent = total((c) => c.sent);
      const delivered = total((c) => c.delivered);
      const failed = total((c) => c.failed);
      const clicked = total((c) => c.clicked);
      // Names only for the few shown (one lookup by _id each); a deleted campaign is left out.
      const ranked = list
        .filter((c) => c.sent > 0)
        .sort((a, b) => b.ctr - a.ctr || b.sent - a.sent || a.id - b.id);
      const top: OverviewCampaign[] = [];
      for (const c of ranked) {
        if (top.length >= (opts.top ?? 5)) break;
        const campaign = await campaigns.get(c.id);
        if (!campaign) continue;
        top.push({
          id: c.id,
          name: campaign.name,
          platform: campaign.platform,
          sent: c.sent,
          clicked: c.clicked,
          clickThroughRate: c.ctr,
        });
      }
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
      const campaign = await campaignOrThrow(id);
      const tz = assertTimeZone(zone);
      const all = sum(await figures.runs(campaign));
      const sends = instants(all.sends);
      const clicks = instants(all.firstClicks);
      const times = [...sends, ...clicks].map(([ms]) => ms);
      if (times.length === 0) return { unit: 'hour', labels: [], sends: [], clicks: [] };
      const min = Math.min(...times);
      const max = Math.max(...times);
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
      for (const [ms, n] of sends) out.sends[index(ms)] = (out.sends[index(ms)] ?? 0) + n;
      for (const [ms, n] of clicks) out.clicks[index(ms)] = (out.clicks[index(ms)] ?? 0) + n;
      return out;
    },
    /**
     * Every delivery of the campaign as CSV (one row each, every run), times in `zone`; the
     * engagement columns agree with the counters (see engagementMarks). toCsv gives
     * cells that a spreadsheet would run as a formula a leading apostrophe (numbers left alone).
     */
    async deliveriesCsv(
      id: number,
      zone: string,
      header?: readonly string[],
    ): Promise<{ csv: string; rows: number }> {
      await campaignOrThrow(id);
      const time = (d: Date | undefined) => (d ? formatInZone(new Date(d), zone, { showZone: false }) : '');
      const marks = await repo.engagementMarks(id);
      const rows: string[][] = [];
      for await (const row of repo.exportRows(id)) {
        const key = `${row.run}:${row.recipient}`;
        const clickedAt = row.clickedAt ?? marks.clicked.get(key);
        const d = {
          ...row,
          clickedAt,
          clicks: Math.max(row.clicks ?? 0, clickedAt ? 1 : 0),
          respondedAt: row.respondedAt ?? marks.responded.get(key),
          convertedAt: row.convertedAt ?? marks.converted.get(key),
        };
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
