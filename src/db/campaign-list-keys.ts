import type { CampaignStatus, Platform, TrainingStatus } from '../domain/campaign.js';

export const CAMPAIGN_SORTS = ['recent', 'oldest', 'name_asc', 'name_desc', 'schedule', 'status'] as const;
export type CampaignSort = (typeof CAMPAIGN_SORTS)[number];

/** The seed's status order for "Sort by Status"; the statuses it does not name follow. */
const STATUS_SORT_ORDER: readonly CampaignStatus[] = [
  'published',
  'scheduled',
  'draft',
  'failed',
  'sending',
  'paused',
  'cancelled',
  'archived',
];

export interface CampaignCriteria {
  platform?: Platform;
  /** 'all' hides archived campaigns */
  status?: CampaignStatus | 'all';
  training?: TrainingStatus;
  /** case-insensitive substring of the name, taken literally */
  search?: string;
  /** on schedule.at: from inclusive, to exclusive */
  scheduledFrom?: Date;
  scheduledTo?: Date;
  /** exactly these campaigns; with no status given, archived ones included */
  ids?: number[];
}

/**
 * What the /campaigns list filters and sorts on, for one campaign: the stored fields as they are
 * (a field the document lacks is null, so it matches no filter, as in a database query).
 */
export interface ListKey {
  id: number;
  platform: Platform | null;
  status: CampaignStatus | null;
  training: TrainingStatus | null;
  featured: boolean;
  nameLower: string;
  /** ms since the epoch */
  createdAt: number;
  /** schedule.at in ms, null when the campaign has no schedule instant */
  at: number | null;
}

/** The fields a ListKey is made of, as a projection. */
export const LIST_KEY_PROJECTION = {
  platform: 1,
  status: 1,
  training: 1,
  featured: 1,
  nameLower: 1,
  createdAt: 1,
  'schedule.at': 1,
} as const;

/** The fields whose change moves a campaign in the list (an update touching none of them does not). */
export const LIST_KEY_ROOTS: ReadonlySet<string> = new Set([
  '_id',
  'platform',
  'status',
  'training',
  'featured',
  'name',
  'nameLower',
  'createdAt',
  'schedule',
]);

const ms = (d: unknown) => (d instanceof Date ? d.getTime() : null);

export function listKeyOf(doc: Record<string, unknown>): ListKey {
  const schedule = doc.schedule as { at?: unknown } | undefined;
  return {
    id: doc._id as number,
    platform: (doc.platform as Platform | undefined) ?? null,
    status: (doc.status as CampaignStatus | undefined) ?? null,
    training: (doc.training as TrainingStatus | undefined) ?? null,
    featured: doc.featured === true,
    nameLower: typeof doc.nameLower === 'string' ? doc.nameLower : '',
    createdAt: ms(doc.createdAt) ?? 0,
    at: ms(schedule?.at),
  };
}

type Row = [
  number,
  Platform | null,
  CampaignStatus | null,
  TrainingStatus | null,
  0 | 1,
  string,
  number,
  number | null,
];

/** A compact row for storage (an array: no field names repeated ten thousand times). */
export function encodeKey(k: ListKey): Row {
  return [k.id, k.platform, k.status, k.training, k.featured ? 1 : 0, k.nameLower, k.createdAt, k.at];
}

export function decodeKey(row: Row): ListKey {
  const [id, platform, status, training, featured, nameLower, createdAt, at] = row;
  return { id, platform, status, training, featured: featured === 1, nameLower, createdAt, at };
}

export function sameKey(a: ListKey | undefined, b: ListKey | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.id === b.id &&
    a.platform === b.platform &&
    a.status === b.status &&
    a.training === b.training &&
    a.featured === b.featured &&
    a.nameLower === b.nameLower &&
    a.createdAt === b.createdAt &&
    a.at === b.at
  );
}

/** The criteria as a predicate: the same matches a query on the campaigns collection would give. */
export function matchesCriteria(c: CampaignCriteria): (k: ListKey) => boolean {
  const ids = c.ids ? new Set(c.ids) : null;
  const status = c.status !== undefined && c.status !== 'all' ? c.status : null;
  const hideArchived = status === null && !ids;
  // The stored nameLower and a lowercase needle: case-insensitive for every script.
  const needle = c.search?.trim().toLowerCase() ?? '';
  const from = c.scheduledFrom?.getTime();
  const to = c.scheduledTo?.getTime();
  const dated = from !== undefined || to !== undefined;
  return (k) =>
    (!ids || ids.has(k.id)) &&
    (status === null ? !hideArchived || k.status !== 'archived' : k.status === status) &&
    (!c.platform || k.platform === c.platform) &&
    (!c.training || k.training === c.training) &&
    (needle === '' || k.nameLower.includes(needle)) &&
    (!dated || (k.at !== null && (from === undefined || k.at >= from) && (to === undefined || k.at < to)));
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const time = (at: number | null) => at ?? Number.POSITIVE_INFINITY;
const statusRank = (s: CampaignStatus | null) =>
  s ? STATUS_SORT_ORDER.indexOf(s) : STATUS_SORT_ORDER.length;

/** Within each sort, ties fall back to the id so pages never overlap. Undated campaigns sort last by date. */
const COMPARE: Record<CampaignSort, (a: ListKey, b: ListKey) => number> = {
  recent: (a, b) => b.createdAt - a.createdAt || b.id - a.id,
  oldest: (a, b) => a.createdAt - b.createdAt || a.id - b.id,
  name_asc: (a, b) => collator.compare(a.nameLower, b.nameLower) || a.id - b.id,
  name_desc: (a, b) => collator.compare(b.nameLower, a.nameLower) || b.id - a.id,
  schedule: (a, b) => time(a.at) - time(b.at) || a.id - b.id,
  status: (a, b) => statusRank(a.status) - statusRank(b.status) || COMPARE.recent(a, b),
};

/** List order: featured (⚡) campaigns first, then the chosen sort. */
export function sortKeys(keys: ListKey[], sort: CampaignSort): ListKey[] {
  const compare = COMPARE[sort];
  return keys.sort((a, b) => Number(b.featured) - Number(a.featured) || compare(a, b));
}
