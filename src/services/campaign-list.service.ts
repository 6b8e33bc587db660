import { DateTime } from 'luxon';
import {
  type Campaign,
  type CampaignCriteria,
  type CampaignSort,
  createCampaignRepository,
  type ListKey,
} from '../db/campaign.repository.js';
import type { CampaignStatus, Platform, TrainingStatus } from '../domain/campaign.js';
import { EndBeforeStartError } from '../domain/errors.js';
import { assertTimeZone, formatInZone, type LocalDate, parseLocalDate } from '../domain/schedule.js';
import { toCsv } from './csv.js';
import { type Page, pageWindow, type ServiceConfig, type ServiceDeps, systemClock } from './deps.js';

/** Calendar periods in the admin's zone (weeks start on Monday); `custom` days are inclusive. */
export type DateRange = 'today' | 'week' | 'month' | { from: LocalDate; to: LocalDate };

export interface CampaignListQuery {
  platform?: Platform | 'all';
  /** 'all' (the default) hides archived campaigns; ask for 'archived' to see them */
  status?: CampaignStatus | 'all';
  training?: TrainingStatus | 'all';
  /** part of the name, case-insensitive, taken literally */
  search?: string;
  /** filters on the schedule time (`schedule.at`); campaigns without one are left out */
  dateRange?: DateRange;
  /** the admin's zone, for date ranges; DEFAULT_TIMEZONE otherwise */
  zone?: string;
  sort?: CampaignSort;
  page?: number;
  pageSize?: number;
}

const EXPORT_CHUNK = 500;
/** How old the list index's last full comparison with the campaigns may get before another starts. */
const RECHECK_MS = 15 * 60_000;

const CAMPAIGN_CSV_HEADER = [
  'ID',
  'Name',
  'Platform',
  'Status',
  'Training',
  'Schedule At',
  'Type',
  'Created',
];

function dateBounds(range: DateRange, now: Date, zone: string): { from: Date; to: Date } {
  if (typeof range === 'string') {
    const unit = range === 'today' ? 'day' : range;
    const start = DateTime.fromJSDate(now, { zone }).startOf(unit);
    return { from: start.toJSDate(), to: start.plus({ [unit]: 1 }).toJSDate() };
  }
  const from = parseLocalDate(range.from);
  const to = parseLocalDate(range.to);
  if (to < from) throw new EndBeforeStartError(to, from);
  return {
    from: DateTime.fromISO(from, { zone }).toJSDate(),
    to: DateTime.fromISO(to, { zone }).plus({ days: 1 }).toJSDate(),
  };
}

export function createCampaignListService(deps: ServiceDeps & { config: ServiceConfig }) {
  const { models, config } = deps;
  const clock = deps.clock ?? systemClock;
  const repo = createCampaignRepository(models);

  function criteria(query: CampaignListQuery): CampaignCriteria {
    const c: CampaignCriteria = {};
    if (query.platform && query.platform !== 'all') c.platform = query.platform;
    if (query.status) c.status = query.status;
    if (query.training && query.training !== 'all') c.training = query.training;
    if (query.search) c.search = query.search;
    if (query.dateRange) {
      const { from, to } = dateBounds(
        query.dateRange,
        clock(),
        assertTimeZone(query.zone ?? config.DEFAULT_TIMEZONE),
      );
      c.scheduledFrom = from;
      c.scheduledTo = to;
    }
    return c;
  }

  repo.onListSyncError((err, failures) =>
    deps.logger.warn(
      { err, failures },
      'campaign list index: a sync after a write failed; the next check repairs it',
    ),
  );

  let checking: Promise<number> | null = null;
  /** One full comparison of the list index with the campaigns at a time in this process. */
  function check(): Promise<number> {
    checking ??= repo.reconcileListKeys(clock()).finally(() => {
      checking = null;
    });
    return checking;
  }

  /**
   * Matching keys in list order. The first list on a database compares the index with every
   * campaign (seconds at 10,000 campaigns, once); later ones start that comparison in the
   * background every RECHECK_MS, to repair what a crash between a write and its index sync left.
   */
  async function keysFor(c: CampaignCriteria, sort: CampaignSort): Promise<ListKey[]> {
    const first = await repo.listKeys(c, sort);
    if (first.checkedAt === null) {
      await check();
      return (await repo.listKeys(c, sort)).keys;
    }
    if (clock().getTime() - first.checkedAt.getTime() > RECHECK_MS) {
      check().then(
        (corrected) => {
          if (corrected > 0) deps.logger.warn({ corrected }, 'campaign list index: rows repaired');
        },
        (err: unknown) => deps.logger.warn({ err }, 'campaign list index check failed'),
      );
    }
    return first.keys;
  }

  return {
    /**
     * Compares the list index with every campaign now and repairs what differs (main.ts runs it at
     * startup, so the first /campaigns does not wait for it); returns the rows corrected.
     */
    checkListIndex: check,

    /** Featured (⚡) campaigns first, then the chosen order (default: most recent). */
    async list(query: CampaignListQuery = {}): Promise<Page<Campaign>> {
      const c = criteria(query);
      const sort = query.sort ?? 'recent';
      for (let attempt = 1; ; attempt++) {
        const keys = await keysFor(c, sort);
        const window = pageWindow(keys.length, query.page, query.pageSize);
        const { items, stale } = await repo.pageOf(keys.slice(window.skip, window.skip + window.pageSize));
        if (stale.length === 0 || attempt === 2) {
          return {
            items,
            total: keys.length,
            page: window.page,
            pages: window.pages,
            pageSize: window.pageSize,
          };
        }
        // A campaign on this page differs from its index row (its write's sync never ran): repair
        // those rows and list again, so the page never shows what the filters would not.
        await repo.syncListKeys(stale);
      }
    },

    /**
     * The list as CSV: either the campaigns a query matches (all pages, in its order) or exactly the
     * selected ids, whatever their status. Times are in each campaign's zone, with the zone named.
     */
    async exportCsv(selection: CampaignListQuery | { ids: number[]; sort?: CampaignSort }): Promise<string> {
      const sort = selection.sort ?? 'recent';
      // Selected ids are read as they are now; a query goes through the list index like list().
      const keys =
        'ids' in selection
          ? await repo.keysOf(selection.ids, sort)
          : await keysFor(criteria(selection), sort);
      const rows: (string | number)[][] = [];
      for (let i = 0; i < keys.length; i += EXPORT_CHUNK) {
        for (const campaign of (await repo.pageOf(keys.slice(i, i + EXPORT_CHUNK))).items) {
          rows.push([
            campaign.id,
            campaign.name,
            campaign.platform,
            campaign.status,
            campaign.training,
            campaign.schedule.at ? formatInZone(campaign.schedule.at, campaign.schedule.zone) : '',
            campaign.type,
            formatInZone(campaign.createdAt, campaign.schedule.zone),
          ]);
        }
      }
      return toCsv(CAMPAIGN_CSV_HEADER, rows);
    },
  };
}

export type CampaignListService = ReturnType<typeof createCampaignListService>;
