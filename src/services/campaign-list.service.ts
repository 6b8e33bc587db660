import { DateTime } from 'luxon';
import {
  type Campaign,
  type CampaignCriteria,
  type CampaignSort,
  createCampaignRepository,
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

  return {
    /** Featured (⚡) campaigns first, then the chosen order (default: most recent). */
    async list(query: CampaignListQuery = {}): Promise<Page<Campaign>> {
      const ids = await repo.sortedIds(criteria(query), query.sort ?? 'recent');
      const window = pageWindow(ids.length, query.page, query.pageSize);
      const items = await repo.byIds(ids.slice(window.skip, window.skip + window.pageSize));
      return { items, total: ids.length, page: window.page, pages: window.pages, pageSize: window.pageSize };
    },

    /**
     * The list as CSV: either the campaigns a query matches (all pages, in its order) or exactly the
     * selected ids, whatever their status. Times are in each campaign's zone, with the zone named.
     */
    async exportCsv(selection: CampaignListQuery | { ids: number[]; sort?: CampaignSort }): Promise<string> {
      const c = 'ids' in selection ? { ids: selection.ids } : criteria(selection);
      const ids = await repo.sortedIds(c, selection.sort ?? 'recent');
      const rows: (string | number)[][] = [];
      for (let i = 0; i < ids.length; i += EXPORT_CHUNK) {
        for (const campaign of await repo.byIds(ids.slice(i, i + EXPORT_CHUNK))) {
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
