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
import { mapLimit } from '../lib/map-limit.js';
import type { CampaignDoc, CampaignSchedule, RunRecord } from './campaign.model.js';
import { campaignListIndex } from './campaign-list-index.js';
import {
  type CampaignCriteria,
  type CampaignSort,
  type ListKey,
  listKeyOf,
  matchesCriteria,
  sameKey,
  sortKeys,
} from './campaign-list-keys.js';
import type { Models } from './models.js';

export type { CampaignSchedule } from './campaign.model.js';
/** One run of a campaign, as its history keeps it. */
export type CampaignRun = RunRecord;

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
  lease?: { owner?: string; expiresAt?: Date; epoch?: number };
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

export type { CampaignCriteria, CampaignSort, ListKey } from './campaign-list-keys.js';
export { CAMPAIGN_SORTS } from './campaign-list-keys.js';

export interface StatusChange {
  set?: Record<string, unknown>;
  unset?: string[];
  inc?: Record<string, number>;
}

const COUNTER_ID = 'campaigns';
const MAX_ID_ATTEMPTS = 50;

const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;

type Filter = QueryFilter<CampaignDoc>;

function toCampaign(doc: unknown): Campaign {
  // `counters`: kept on campaigns by earlier versions; the figures are in the counter store now.
  const { _id, __v, nameLower, counters: _old, ...rest } = doc as Record<string, unknown>;
  return { id: _id, ...rest } as unknown as Campaign;
}

const BY_ID_IN_FLIGHT = 8;

export function createCampaignRepository({ Campaign: model, Counter }: Pick<Models, 'Campaign' | 'Counter'>) {
  const listIndex = campaignListIndex(model);

  async function docsByIds(ids: readonly number[]) {
    return mapLimit(ids, BY_ID_IN_FLIGHT, (id) => model.findById(id).lean().exec());
  }

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
     * The list keys of every matching campaign, in list order (featured first), from the list
     * index: a list reads ~N/100 documents instead of every campaign (campaign-list-index.ts).
     * `checkedAt` is when the index was last compared with the campaigns (null: never).
     */
    async listKeys(
      criteria: CampaignCriteria,
      sort: CampaignSort,
    ): Promise<{ keys: ListKey[]; checkedAt: Date | null }> {
      const { keys, checkedAt } = await listIndex.read();
      return { keys: sortKeys(keys.filter(matchesCriteria(criteria)), sort), checkedAt };
    },

    /**
     * The campaigns behind these keys, in their order, and the ids whose key no longer matches the
     * campaign (changed since, or gone): their index rows are stale.
     */
    async pageOf(keys: readonly ListKey[]): Promise<{ items: Campaign[]; stale: number[] }> {
      const docs = await docsByIds(keys.map((k) => k.id));
      const stale = keys.filter((k, i) => {
        const doc = docs[i];
        return !doc || !sameKey(k, listKeyOf(doc as unknown as Record<string, unknown>));
      });
      return { items: docs.flatMap((d) => (d ? [toCampaign(d)] : [])), stale: stale.map((k) => k.id) };
    },

    /** The list keys of these campaigns as stored now (missing ones skipped), in list order. */
    async keysOf(ids: readonly number[], sort: CampaignSort): Promise<ListKey[]> {
      const docs = await docsByIds(ids);
      return sortKeys(
        docs.flatMap((d) => (d ? [listKeyOf(d as unknown as Record<string, unknown>)] : [])),
        sort,
      );
    },

    /** Brings these campaigns' list index rows in step (after a write that bypassed the model). */
    async syncListKeys(ids: readonly number[]): Promise<number> {
      return listIndex.sync(ids);
    },

    /** `listener` hears of every list index sync that failed after a campaign write (and how many so far). */
    onListSyncError(listener: (err: unknown, failures: number) => void): void {
      listIndex.onSyncError((err) => listener(err, listIndex.syncErrors()));
    },

    /** Compares the whole list index with the campaigns and repairs it; returns the rows corrected. */
    async reconcileListKeys(now: Date): Promise<number> {
      return listIndex.reconcile(now);
    },

    /**
     * The campaigns with these ids, in the order given (missing ones skipped). One lookup by _id each
     * (a few in flight): FerretDB serves `_id: {$in}` by reading every campaign.
     */
    async byIds(ids: readonly number[]): Promise<Campaign[]> {
      return (await docsByIds(ids)).flatMap((d) => (d ? [toCampaign(d)] : []));
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
