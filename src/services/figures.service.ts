import type { Model } from 'mongoose';
import type { CounterStore, RunRef } from '../db/counter.store.js';
import { createRecountRepository } from '../db/recount.repository.js';
import type { RunCounters } from '../domain/analytics.js';
import type { Platform } from '../domain/campaign.js';
import type { ServiceDeps } from './deps.js';

/** What a campaign looks like to the figures: its runs. */
export interface CampaignRuns {
  id: number;
  platform: Platform;
  run: number;
  runs: { run: number; startedAt?: Date }[];
}

export interface RunFigures extends RunRef {
  counters: RunCounters;
}

/** One figure of a run that its counters and a recount disagree on. */
export interface Drift extends RunRef {
  field: string;
  counted: number;
  recounted: number;
}

export interface ReconcileReport {
  campaigns: number;
  runs: number;
  drifts: Drift[];
  /** runs left alone because their campaign was sending (their figures move while counted) */
  skipped: RunRef[];
  repaired: number;
}

/** The fields a reconcile compares: every figure a screen shows. */
function comparable(c: RunCounters): Record<string, number> {
  const out: Record<string, number> = {
    total: c.total,
    sent: c.sent,
    failed: c.failed,
    unknown: c.unknown,
    delivered: c.delivered,
    read: c.read,
    clicked: c.clicked,
    clicks: c.clicks,
    responded: c.responded,
    responseMs: c.responseMs,
    converted: c.converted,
  };
  for (const [r, n] of Object.entries(c.reasons)) out[`failed:${r}`] = n ?? 0;
  for (const [q, n] of Object.entries(c.sends)) out[`sends@${q}`] = n;
  for (const [q, n] of Object.entries(c.firstClicks)) out[`firstClicks@${q}`] = n;
  return out;
}

export function diffCounters(ref: RunRef, counted: RunCounters, recounted: RunCounters): Drift[] {
  const a = comparable(counted);
  const b = comparable(recounted);
  const drifts: Drift[] = [];
  for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[field] ?? 0;
    const y = b[field] ?? 0;
    // Repeat clicks are exact in the counters only: the deliveries' `clicks` is an $inc, which
    // FerretDB can lose under concurrent clicks. A recount lower than the counters is no drift.
    if (field === 'clicks' && y <= x) continue;
    if (x !== y) drifts.push({ ...ref, field, counted: x, recounted: y });
  }
  return drifts;
}

/**
 * The figures every screen shows come from the counters (counter.store.ts). A run whose counters are
 * missing (from before counters, or Redis lost them) is recounted from MongoDB once, when it is first
 * asked for. reconcile() recounts every run and repairs what drifted.
 */
export function createFiguresService(deps: ServiceDeps & { counters: CounterStore }) {
  const { models, counters, logger } = deps;
  const recount = createRecountRepository(models);
  const Campaign = models.Campaign as unknown as Model<Record<string, unknown>>;

  /** Runs are numbered 1, 2, … up to the current one (or the latest in the history). */
  const refsOf = (c: CampaignRuns): RunRef[] => {
    const last = Math.max(0, c.run, ...c.runs.map((r) => r.run));
    return Array.from({ length: last }, (_, i) => ({ campaignId: c.id, run: i + 1 }));
  };
  /** When a run started (the overview's periods go by it), if the history knows. */
  const startOf = (c: CampaignRuns, run: number) => {
    const at = c.runs.find((r) => r.run === run)?.startedAt;
    return at ? new Date(at) : undefined;
  };

  async function recountRun(c: CampaignRuns, ref: RunRef): Promise<RunCounters> {
    const full = await recount.run(ref.campaignId, ref.run);
    await counters.replace(ref, full, { platform: c.platform, startedAt: startOf(c, ref.run) });
    logger.info({ ...ref }, 'run counters recounted');
    return full;
  }

  /**
   * Recounts every run of one campaign (or all) from MongoDB and compares it with its counters.
   * With `repair`, drifted runs get the recount. Campaigns being sent are skipped unless
   * `includeSending`: their figures move while they are counted.
   */
  async function reconcile(
    opts: { campaignId?: number; repair?: boolean; includeSending?: boolean } = {},
  ): Promise<ReconcileReport> {
    const report: ReconcileReport = { campaigns: 0, runs: 0, drifts: [], skipped: [], repaired: 0 };
    const filter = opts.campaignId === undefined ? {} : { _id: opts.campaignId };
    const cursor = Campaign.find(filter, { platform: 1, status: 1, run: 1, runs: 1 }).lean().cursor();
    for await (const doc of cursor) {
      const c: CampaignRuns = {
        id: doc._id as number,
        platform: doc.platform as Platform,
        run: (doc.run as number | undefined) ?? 0,
        runs: (doc.runs as CampaignRuns['runs'] | undefined) ?? [],
      };
      report.campaigns++;
      const refs = refsOf(c);
      if (doc.status === 'sending' && !opts.includeSending) {
        report.skipped.push(...refs);
        continue;
      }
      const stored = await counters.read(refs);
      for (const s of stored) {
        report.runs++;
        await counters.list(s, startOf(c, s.run));
        const fresh = await recount.run(s.campaignId, s.run);
        const drifts = s.complete
          ? diffCounters(s, s.counters, fresh)
          : [{ ...s, field: 'missing', counted: 0, recounted: 1 }];
        report.drifts.push(...drifts);
        if (drifts.length > 0 && opts.repair) {
          if (s.complete) fresh.clicks = Math.max(fresh.clicks, s.counters.clicks);
          await counters.replace(s, fresh, { platform: c.platform, startedAt: startOf(c, s.run) });
          report.repaired++;
        }
      }
    }
    return report;
  }

  return {
    /** Every run of the campaign with its counters, oldest first (only `run`, when given). */
    async runs(c: CampaignRuns, run?: number): Promise<RunFigures[]> {
      const refs = refsOf(c).filter((r) => run === undefined || r.run === run);
      const stored = await counters.read(refs);
      return Promise.all(
        stored.map(async (s) => ({
          campaignId: s.campaignId,
          run: s.run,
          counters: s.complete ? s.counters : await recountRun(c, s),
        })),
      );
    },

    /** The counters of runs that started since `from` (all without it), with their platform. */
    async since(from?: Date): Promise<(RunFigures & { platform?: Platform })[]> {
      const stored = await counters.read(await counters.runsSince(from));
      return stored.map(({ complete: _c, ...s }) => s);
    },

    reconcile,

    /**
     * Builds every run's counters once, when this database has none yet (an upgrade from before
     * counters, or Redis lost its data): started in the background by main.ts, by one process at a
     * time. Until it is done, a screen that asks for a campaign recounts that campaign's runs itself.
     */
    async ensureCounters(): Promise<ReconcileReport | null> {
      if (await counters.ready()) return null;
      if (!(await counters.claimRebuild(3_600_000))) return null;
      logger.info('building the run counters from the deliveries');
      const report = await reconcile({ repair: true });
      await counters.markReady();
      logger.info({ runs: report.runs, repaired: report.repaired }, 'run counters built');
      return report;
    },
  };
}

export type FiguresService = ReturnType<typeof createFiguresService>;
