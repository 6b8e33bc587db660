import type { QueryFilter, UpdateQuery } from 'mongoose';
import type {
  AudienceSpec,
  CampaignStatus,
  CampaignType,
  Message,
  Platform,
  PlatformSettings,
  TrainingStatus,
} from '../domain/campaign.js';
import { ConcurrentChangeError, NotFoundError } from '../domain/errors.js';
import { type CampaignAction, transition } from '../domain/lifecycle.js';
import type { Frequency } from '../domain/schedule.js';
import type { CampaignDoc } from './campaign.model.js';
import type { Models } from './models.js';

export interface CampaignSchedule {
  /** the next (or only) instant to send */
  at?: Date;
  zone: string;
  localDate?: string;
  localTime?: string;
  frequency: Frequency;
  cron?: string;
  endDate?: string;
}

export interface CampaignRun {
  run: number;
  startedAt?: Date;
  finishedAt?: Date;
  outcome?: 'published' | 'failed' | 'cancelled';
  total: number;
  sent: number;
  failed: number;
  unknown: number;
}

/** A campaign as a plain object; `id` is the human-friendly number shared by both platforms. */
export interface Campaign {
  id: number;
  name: string;
  platform: Platform;
  type: CampaignType;
  status: CampaignStatus;
  featured: boolean;
  training: TrainingStatus;
  audience: AudienceSpec;
  message: Message;
  templateKey?: string;
  schedule: CampaignSchedule;
  settings: PlatformSettings;
  run: number;
  runs: CampaignRun[];
  lease?: { owner?: string; expiresAt?: Date };
  startedBy?: number;
  progress?: { chatId?: number; messageId?: number };
  pauseReason?: string;
  lastError?: string;
  createdBy?: number;
  updatedBy?: number;
  archivedAt?: Date;
  requestKey?: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewCampaign = Omit<
  Campaign,
  'id' | 'run' | 'runs' | 'createdAt' | 'updatedAt' | 'featured' | 'training'
> &
  Partial<Pick<Campaign, 'featured' | 'training'>>;

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

export interface StatusChange {
  set?: Record<string, unknown>;
  unset?: string[];
  inc?: Record<string, number>;
}

const COUNTER_ID = 'campaigns';
const MAX_ID_ATTEMPTS = 50;

const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

type Filter = QueryFilter<CampaignDoc>;

function toCampaign(doc: unknown): Campaign {
  // `counters`: kept on campaigns by earlier versions; the figures are in the counter store now.
  const { _id, __v, nameLower, counters: _old, ...rest } = doc as Record<string, unknown>;
  return { id: _id, ...rest } as unknown as Campaign;
}

function criteriaFilter(c: CampaignCriteria): Filter {
  const filter: Record<string, unknown> = {};
  if (c.platform) filter.platform = c.platform;
  if (c.status !== undefined && c.status !== 'all') filter.status = c.status;
  else if (!c.ids) filter.status = { $ne: 'archived' };
  if (c.training) filter.training = c.training;
  // nameLower plus a lowercase pattern is case-insensitive for every script, with no regex flag needed.
  if (c.search?.trim()) filter.nameLower = { $regex: escapeRegex(c.search.trim().toLowerCase()) };
  if (c.scheduledFrom || c.scheduledTo) {
    filter['schedule.at'] = {
      ...(c.scheduledFrom ? { $gte: c.scheduledFrom } : {}),
      ...(c.scheduledTo ? { $lt: c.scheduledTo } : {}),
    };
  }
  if (c.ids) filter._id = { $in: c.ids };
  return filter as Filter;
}

interface SortKey {
  _id: number;
  featured?: boolean;
  status: CampaignStatus;
  nameLower: string;
  createdAt: Date;
  schedule?: { at?: Date | null };
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const time = (d: Date | null | undefined) => (d ? d.getTime() : Number.POSITIVE_INFINITY);
const statusRank = (s: CampaignStatus) => STATUS_SORT_ORDER.indexOf(s);

/** Within each sort, ties fall back to the id so pages never overlap. Undated campaigns sort last by date. */
const COMPARE: Record<CampaignSort, (a: SortKey, b: SortKey) => number> = {
  recent: (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b._id - a._id,
  oldest: (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a._id - b._id,
  name_asc: (a, b) => collator.compare(a.nameLower, b.nameLower) || a._id - b._id,
  name_desc: (a, b) => collator.compare(b.nameLower, a.nameLower) || b._id - a._id,
  schedule: (a, b) => time(a.schedule?.at) - time(b.schedule?.at) || a._id - b._id,
  status: (a, b) => statusRank(a.status) - statusRank(b.status) || COMPARE.recent(a, b),
};

export function createCampaignRepository({ Campaign: model, Counter }: Pick<Models, 'Campaign' | 'Counter'>) {
  async function statusOf(id: number): Promise<CampaignStatus> {
    const doc = await model.findById(id, { status: 1 }).lean().exec();
    if (!doc) throw new NotFoundError('campaign', id);
    return doc.status as CampaignStatus;
  }

  /** The next number from the shared counter (both platforms draw from it). */
  async function nextId(): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await Counter.findOneAndUpdate(
          { _id: COUNTER_ID },
          { $inc: { value: 1 } },
          { upsert: true, returnDocument: 'after' },
        )
          .lean()
          .exec();
        return doc!.value;
      } catch (err) {
        // Two first-ever upserts can race on the counter's _id; the loser retries and increments.
        if (!isDuplicateKey(err) || attempt > 2) throw err;
      }
    }
  }

  /** Applies `update` only while the campaign is in `expected`; otherwise says who won the race. */
  async function updateIf(
    id: number,
    expected: CampaignStatus,
    update: UpdateQuery<CampaignDoc>,
  ): Promise<Campaign> {
    const doc = await model
      .findOneAndUpdate({ _id: id, status: expected } as Filter, update, { returnDocument: 'after' })
      .lean()
      .exec();
    if (doc) return toCampaign(doc);
    throw new ConcurrentChangeError('campaign', id, expected, await statusOf(id));
  }

  return {
    nextId,

    /** Raises the counter to at least `value` (after inserting campaigns with fixed ids). */
    async ensureCounterAtLeast(value: number): Promise<void> {
      await Counter.updateOne({ _id: COUNTER_ID }, { $max: { value } }, { upsert: true }).exec();
    },

    /**
     * Inserts under the next number. The unique _id is what guarantees a number is used once: FerretDB
     * (SQLite) applies $inc as read-modify-write without a transaction, so under concurrency the
     * counter can hand the same number out twice; the losing insert then takes another number.
     */
    async insertNew(fields: NewCampaign): Promise<Campaign> {
      for (let attempt = 1; ; attempt++) {
        const id = await nextId();
        try {
          const doc = await model.create({ _id: id, ...fields, nameLower: fields.name.toLowerCase() });
          return toCampaign(doc.toObject());
        } catch (err) {
          if (!isDuplicateKey(err) || attempt >= MAX_ID_ATTEMPTS) throw err;
        }
      }
    },

    async findByRequestKey(requestKey: string): Promise<Campaign | null> {
      const doc = await model.findOne({ requestKey }).lean().exec();
      return doc ? toCampaign(doc) : null;
    },

    async get(id: number): Promise<Campaign | null> {
      const doc = await model.findById(id).lean().exec();
      return doc ? toCampaign(doc) : null;
    },

    /** Sets fields while the campaign is still in `expected` (an edit must not land on a running send). */
    async update(
      id: number,
      expected: CampaignStatus,
      set: Record<string, unknown>,
      unset: string[] = [],
    ): Promise<Campaign> {
      const update: Record<string, unknown> = { $set: withNameLower(set) };
      if (unset.length > 0) update.$unset = Object.fromEntries(unset.map((k) => [k, 1]));
      return updateIf(id, expected, update);
    },

    /** Fields that do not depend on the status (featured, training). */
    async patch(id: number, set: Record<string, unknown>): Promise<Campaign> {
      const doc = await model.findByIdAndUpdate(id, { $set: set }, { returnDocument: 'after' }).lean().exec();
      if (!doc) throw new NotFoundError('campaign', id);
      return toCampaign(doc);
    },

    /**
     * The one way a status changes: the table decides the target, and the write only happens while
     * the campaign is still `from`, so two admins (or an admin and the dispatcher) cannot both win.
     */
    async changeStatus(
      id: number,
      from: CampaignStatus,
      action: CampaignAction,
      change: StatusChange = {},
    ): Promise<Campaign> {
      const to = transition(from, action);
      const update: Record<string, unknown> = { $set: { ...change.set, status: to } };
      if (change.unset?.length) update.$unset = Object.fromEntries(change.unset.map((k) => [k, 1]));
      if (change.inc) update.$inc = change.inc;
      return updateIf(id, from, update);
    },

    /** Conditional write that is not a status change (e.g. handing a retried campaign to the dispatcher). */
    async updateWhere(filter: Record<string, unknown>, update: Record<string, unknown>): Promise<boolean> {
      const result = await model.updateOne(filter as Filter, update).exec();
      return result.matchedCount > 0;
    },

    async remove(id: number, expected: CampaignStatus): Promise<void> {
      const result = await model.deleteOne({ _id: id, status: expected }).exec();
      if (result.deletedCount === 1) return;
      const actual = await statusOf(id);
      throw new ConcurrentChangeError('campaign', id, expected, actual);
    },

    /**
     * Every matching id in list order, featured (⚡) first. Sorting the small key projection here
     * instead of in the database keeps one scan per list on FerretDB (which scans a collection for
     * each query) and gives the status order and natural name order (`Campaign 2` before `Campaign 10`).
     */
    async sortedIds(criteria: CampaignCriteria, sort: CampaignSort): Promise<number[]> {
      const keys = await model
        .find(criteriaFilter(criteria), {
          featured: 1,
          status: 1,
          nameLower: 1,
          createdAt: 1,
          'schedule.at': 1,
        })
        .lean<SortKey[]>()
        .exec();
      const compare = COMPARE[sort];
      return keys
        .sort((a, b) => Number(b.featured === true) - Number(a.featured === true) || compare(a, b))
        .map((k) => k._id);
    },

    /** The campaigns with these ids, in the order given (missing ones skipped). */
    async byIds(ids: readonly number[]): Promise<Campaign[]> {
      if (ids.length === 0) return [];
      const docs = await model
        .find({ _id: { $in: [...ids] } })
        .lean()
        .exec();
      const byId = new Map(docs.map((d) => [d._id, toCampaign(d)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    /** Replaces one group id by another in every campaign audience (supergroup migration). */
    async replaceGroupId(oldId: number, newId: number): Promise<void> {
      // FerretDB has no positional `$`, and $addToSet/$pull on one field cannot share an update.
      await model
        .updateMany({ 'audience.groupIds': oldId } as Filter, { $addToSet: { 'audience.groupIds': newId } })
        .exec();
      await model
        .updateMany({ 'audience.groupIds': oldId } as Filter, { $pull: { 'audience.groupIds': oldId } })
        .exec();
    },
  };
}

function withNameLower(set: Record<string, unknown>): Record<string, unknown> {
  return typeof set.name === 'string' ? { ...set, nameLower: set.name.toLowerCase() } : set;
}

export type CampaignRepository = ReturnType<typeof createCampaignRepository>;
