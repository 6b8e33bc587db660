import type { Model } from 'mongoose';
import { mapLimit } from '../lib/map-limit.js';
import type { CampaignDoc } from './campaign.model.js';
import {
  decodeKey,
  encodeKey,
  LIST_KEY_PROJECTION,
  type ListKey,
  listKeyOf,
  sameKey,
} from './campaign-list-keys.js';

/**
 * The /campaigns list index: every campaign's ListKey (status, platform, name, dates…), packed a
 * hundred campaigns to a document in `campaign_list`, so that a list reads ~N/100 small documents
 * instead of N campaigns. FerretDB 1.24 decodes every document a query reads, whatever the
 * projection. Measured at 10,000 campaigns on a 2-core machine: a list that queried the campaigns
 * took 2–10 s (scripts/bench-list.ts before this index); reading 10,000 one-per-campaign key
 * documents took 320–550 ms, too slow still; reading these 100 buckets takes about 26 ms.
 *
 * Bucket `b` holds the campaigns with ids in [b·100, b·100 + 100). It is never updated in place
 * (updates are not atomic on FerretDB: two writers would lose each other's rows). Each change
 * inserts the next version, `_id: "<b>:<v+1>"`, made from version v: that insert is unique, so of
 * two writers who read v exactly one wins and the other starts again from v+1 (compare-and-swap by
 * unique insert, atomic on every backend). The older version is deleted afterwards; readers take
 * the highest version of each bucket. The newest version is never deleted, so a late writer
 * holding an old version can no longer insert a newest one.
 *
 * After every write that may move a campaign in the list, `sync(ids)` makes the bucket agree with
 * the campaigns: read the bucket (version v), then the campaigns (so, after the write), and if
 * they differ insert v+1 with the rows corrected; repeat until a round finds them equal. A row
 * copied from a version read before a campaign changed cannot land after that campaign's own
 * sync: either its insert loses to a newer version, or the later sync finds it and corrects it.
 * Writes through the mongoose model are synced by the hooks in campaign-list-hooks.ts (the
 * dispatcher's included); raw driver writes that change a list field must call sync themselves.
 * What a crash between a write and its sync leaves wrong (and FerretDB's whole-document
 * write-backs, which can undo a concurrent change through an unrelated update) is repaired by
 * reconcile(): the list runs it when the index has never been checked, then in the background
 * every RECHECK_MS; and the list re-syncs any row its page shows disagreeing with the campaign.
 */
export const BUCKET_SIZE = 100;
export const LIST_INDEX_COLLECTION = 'campaign_list';
const META_ID = 'meta';
const MAX_ROUNDS = 20;
const LOOKUPS_IN_FLIGHT = 8;

type Row = ReturnType<typeof encodeKey>;
interface BucketDoc {
  _id: string;
  b: number;
  v: number;
  /** JSON of the rows: one string decodes much faster on FerretDB than a thousand fields */
  rows: string;
}
interface MetaDoc {
  _id: string;
  checkedAt: Date;
}
type IndexDoc = BucketDoc | MetaDoc;

interface Bucket {
  b: number;
  v: number;
  keys: Map<number, ListKey>;
  /** every version read, the newest included */
  versions: string[];
}

const bucketOf = (id: number) => Math.floor(id / BUCKET_SIZE);
const isDuplicateKey = (err: unknown) => (err as { code?: number }).code === 11000;

function latestOf(found: readonly object[]): { buckets: Map<number, Bucket>; checkedAt: Date | null } {
  const buckets = new Map<number, Bucket>();
  let checkedAt: Date | null = null;
  for (const doc of found as IndexDoc[]) {
    if (!('b' in doc)) {
      if (doc._id === META_ID) checkedAt = doc.checkedAt;
      continue;
    }
    const seen = buckets.get(doc.b);
    if (seen && seen.v > doc.v) {
      seen.versions.push(doc._id);
      continue;
    }
    const rows = JSON.parse(doc.rows) as Row[];
    buckets.set(doc.b, {
      b: doc.b,
      v: doc.v,
      keys: new Map(rows.map((r) => [r[0], decodeKey(r)])),
      versions: [doc._id, ...(seen?.versions ?? [])],
    });
  }
  return { buckets, checkedAt };
}

export type CampaignListIndex = ReturnType<typeof createListIndex>;

function createListIndex(model: Model<CampaignDoc>) {
  const coll = model.db.collection<IndexDoc>(LIST_INDEX_COLLECTION);
  const errorListeners = new Set<(err: unknown) => void>();
  let syncErrors = 0;

  async function latest(b: number): Promise<Bucket | null> {
    const docs = await coll.find({ b } as never).toArray();
    return latestOf(docs).buckets.get(b) ?? null;
  }

  /** The campaigns' keys as stored now (null: no such campaign), one lookup by _id each. */
  async function current(ids: readonly number[]): Promise<Map<number, ListKey | null>> {
    const keys = await mapLimit(ids, LOOKUPS_IN_FLIGHT, async (id) => {
      const doc = await model.findById(id, LIST_KEY_PROJECTION).lean().exec();
      return doc ? listKeyOf(doc as unknown as Record<string, unknown>) : null;
    });
    return new Map(ids.map((id, i) => [id, keys[i] ?? null]));
  }

  /** Inserts version v of bucket b; false when another writer inserted it first. */
  async function put(b: number, v: number, keys: Iterable<ListKey>): Promise<boolean> {
    const rows = [...keys].sort((x, y) => x.id - y.id).map(encodeKey);
    try {
      await coll.insertOne({ _id: `${b}:${v}`, b, v, rows: JSON.stringify(rows) });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * Makes bucket b's rows for `ids` equal to the campaigns (see the comment at the top); returns
   * how many rows it rewrote.
   */
  async function syncBucket(b: number, ids: readonly number[]): Promise<number> {
    let rewritten = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const bucket = await latest(b);
      if (!bucket) {
        // Never built: every id of the block, read now (a concurrent writer's rows included).
        const block = Array.from({ length: BUCKET_SIZE }, (_, i) => b * BUCKET_SIZE + i);
        const found = [...(await current(block)).values()].filter((k): k is ListKey => k !== null);
        await put(b, 1, found);
        continue;
      }
      const now = await current(ids);
      const changed = ids.filter((id) => !sameKey(bucket.keys.get(id), now.get(id) ?? undefined));
      if (changed.length === 0) return rewritten;
      const keys = new Map(bucket.keys);
      for (const id of changed) {
        const k = now.get(id);
        if (k) keys.set(id, k);
        else keys.delete(id);
      }
      if (await put(b, bucket.v + 1, keys.values())) {
        rewritten += changed.length;
        await Promise.all(bucket.versions.map((_id) => coll.deleteOne({ _id } as never)));
      } else {
        // Another process won this version: let it finish before reading the bucket again.
        await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 20));
      }
    }
    throw new Error(`campaign list index: bucket ${b} kept changing for ${MAX_ROUNDS} rounds`);
  }

  /**
   * Syncs of one bucket in this process run one at a time; the ids asked for while one runs are
   * merged into the next (which starts after their writes). Without this, a burst of writes to
   * neighbouring campaigns raced for every version and most rounds were lost (measured: 60
   * concurrent syncs of one bucket gave up after 20 rounds).
   */
  const lanes = new Map<number, { next: Batch | null }>();
  interface Batch {
    ids: Set<number>;
    done: Promise<number>;
    settle: (result: { ok: number } | { err: unknown }) => void;
  }

  function newBatch(): Batch {
    let settle: Batch['settle'] = () => {};
    const done = new Promise<number>((resolve, reject) => {
      settle = (r) => ('ok' in r ? resolve(r.ok) : reject(r.err));
    });
    return { ids: new Set(), done, settle };
  }

  function enqueue(b: number, ids: readonly number[]): Promise<number> {
    let lane = lanes.get(b);
    const idle = !lane;
    if (!lane) {
      lane = { next: null };
      lanes.set(b, lane);
    }
    lane.next ??= newBatch();
    for (const id of ids) lane.next.ids.add(id);
    const { done } = lane.next;
    if (idle) void drain(b, lane);
    return done;
  }

  async function drain(b: number, lane: { next: Batch | null }): Promise<void> {
    for (let batch = lane.next; batch; batch = lane.next) {
      lane.next = null;
      try {
        batch.settle({ ok: await syncBucket(b, [...batch.ids]) });
      } catch (err) {
        batch.settle({ err });
      }
    }
    lanes.delete(b);
  }

  async function sync(ids: Iterable<number>): Promise<number> {
    const byBucket = new Map<number, number[]>();
    for (const id of new Set(ids)) {
      if (!Number.isInteger(id)) continue;
      const list = byBucket.get(bucketOf(id)) ?? [];
      list.push(id);
      byBucket.set(bucketOf(id), list);
    }
    const counts = await Promise.all([...byBucket].map(([b, list]) => enqueue(b, list)));
    return counts.reduce((a, n) => a + n, 0);
  }

  return {
    async init(): Promise<void> {
      await coll.createIndex({ b: 1 });
    },

    /** Every row, and when the index was last checked against the campaigns (null: never). */
    async read(): Promise<{ keys: ListKey[]; checkedAt: Date | null }> {
      const { buckets, checkedAt } = latestOf(await coll.find({}).toArray());
      const keys: ListKey[] = [];
      for (const bucket of buckets.values()) keys.push(...bucket.keys.values());
      return { keys, checkedAt };
    },

    sync,

    /** `listener` hears of every sync the hooks could not finish (the write itself succeeded). */
    onSyncError(listener: (err: unknown) => void): void {
      errorListeners.add(listener);
    },

    reportSyncError(err: unknown): void {
      syncErrors++;
      for (const listener of errorListeners) listener(err);
    },

    /** how many syncs after writes failed in this process */
    syncErrors: () => syncErrors,

    /**
     * Compares every campaign with its row (one read of the whole campaigns collection) and syncs
     * those that differ; buckets nobody built yet are written from that read. Returns how many
     * rows it corrected.
     */
    async reconcile(now: Date): Promise<number> {
      const docs = await model.find({}, LIST_KEY_PROJECTION).lean().exec();
      const scanned = new Map<number, Map<number, ListKey>>();
      for (const doc of docs) {
        const key = listKeyOf(doc as unknown as Record<string, unknown>);
        const bucket = scanned.get(bucketOf(key.id)) ?? new Map<number, ListKey>();
        bucket.set(key.id, key);
        scanned.set(bucketOf(key.id), bucket);
      }
      const { buckets } = latestOf(await coll.find({}).toArray());
      let corrected = 0;
      await mapLimit([...new Set([...scanned.keys(), ...buckets.keys()])], 2, async (b) => {
        const fromScan = scanned.get(b) ?? new Map<number, ListKey>();
        if (!buckets.has(b) && (await put(b, 1, fromScan.values()))) {
          corrected += fromScan.size;
          return;
        }
        const rows = buckets.get(b)?.keys ?? (await latest(b))?.keys ?? new Map<number, ListKey>();
        const ids = [...new Set([...fromScan.keys(), ...rows.keys()])].filter(
          (id) => !sameKey(fromScan.get(id), rows.get(id)),
        );
        const n = ids.length > 0 ? await enqueue(b, ids) : 0;
        corrected += n; // after the await: `corrected += await …` would add to a stale value
      });
      try {
        await coll.updateOne({ _id: META_ID }, { $set: { checkedAt: now } }, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // two first checks upserting at once
      }
      return corrected;
    },
  };
}

const indexes = new WeakMap<Model<CampaignDoc>, CampaignListIndex>();

/** The list index of this campaigns model (one per connection). */
export function campaignListIndex(model: Model<CampaignDoc>): CampaignListIndex {
  let index = indexes.get(model);
  if (!index) {
    index = createListIndex(model);
    indexes.set(model, index);
  }
  return index;
}
