import type { Model, Schema } from 'mongoose';
import type { CampaignDoc } from './campaign.model.js';
import { campaignListIndex } from './campaign-list-index.js';
import { LIST_KEY_ROOTS } from './campaign-list-keys.js';

type Update = Record<string, unknown> | unknown[] | null | undefined;

/** Whether an update may change a list field (an aggregation pipeline or a replacement: yes). */
function touchesListKeys(update: Update): boolean {
  if (!update || Array.isArray(update)) return true;
  for (const [op, value] of Object.entries(update)) {
    const paths = op.startsWith('$') ? Object.keys((value ?? {}) as object) : [op];
    if (paths.some((p) => LIST_KEY_ROOTS.has(p.split('.')[0] as string))) return true;
  }
  return false;
}

/** The ids a filter names by `_id` (a number, $eq or $in); null when it selects otherwise. */
function idsOfFilter(filter: Record<string, unknown>): number[] | null {
  const id = filter._id as unknown;
  if (typeof id === 'number') return [id];
  if (id && typeof id === 'object') {
    const { $eq, $in } = id as { $eq?: unknown; $in?: unknown };
    if (typeof $eq === 'number') return [$eq];
    if (Array.isArray($in) && $in.every((x) => typeof x === 'number')) return $in as number[];
  }
  return null;
}

interface HookQuery {
  op?: string;
  model: Model<CampaignDoc>;
  getFilter(): Record<string, unknown>;
  getUpdate(): Update;
}

const UPDATES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'findOneAndReplace'] as const;
const DELETES = ['deleteOne', 'deleteMany', 'findOneAndDelete'] as const;
/** what a pre hook found out for its post hook: ids to sync (empty: nothing to do) */
const pending = new WeakMap<object, number[]>();

function resultIds(res: unknown): number[] {
  const doc = (res as { value?: unknown } | null)?.value ?? res;
  const id = (doc as { _id?: unknown } | null)?._id;
  return typeof id === 'number' ? [id] : [];
}

/**
 * Registers the hooks on the campaign schema: every write through a campaign model (the
 * services', the dispatcher's, the WhatsApp role's) syncs the list index rows of the campaigns it
 * may have moved in the list, before the write's promise resolves. Writes that touch no list field
 * (lease renewals, counters, progress) cost nothing. Not watched: the driver's collection and
 * Model.bulkWrite. A sync that fails does not fail the write it follows (the campaign is written;
 * only the list's copy lags): it is reported to onSyncError's listeners, and reconcile() repairs
 * the row.
 */
export function watchListKeys(schema: Schema<CampaignDoc>): void {
  const syncQuietly = async (model: Model<CampaignDoc>, ids: number[]) => {
    if (ids.length === 0) return;
    const index = campaignListIndex(model);
    await index.sync(ids).catch((err: unknown) => index.reportSyncError(err));
  };

  schema.pre([...UPDATES, ...DELETES], async function (this: HookQuery) {
    const op = this.op ?? '';
    if ((UPDATES as readonly string[]).includes(op) && !touchesListKeys(this.getUpdate())) return;
    // findOneAnd… returns the document it wrote. Otherwise a filter without ids is looked up first
    // (no such write on a hot path today).
    const filter = this.getFilter();
    const ids = op.startsWith('findOne')
      ? []
      : (idsOfFilter(filter) ?? (await this.model.find(filter, { _id: 1 }).lean().exec()).map((d) => d._id));
    pending.set(this, ids);
  });

  schema.post([...UPDATES, ...DELETES], async function (this: HookQuery, res: unknown) {
    const ids = pending.get(this);
    if (!ids) return;
    pending.delete(this);
    if (this.op?.startsWith('findOne')) return syncQuietly(this.model, resultIds(res));
    const r = (res ?? {}) as { matchedCount?: number; deletedCount?: number; upsertedId?: unknown };
    if (typeof r.upsertedId === 'number') ids.push(r.upsertedId);
    else if (r.matchedCount === 0 || r.deletedCount === 0) return;
    await syncQuietly(this.model, ids);
  });

  schema.post('save', async (doc: { _id: number; constructor: unknown }) => {
    await syncQuietly(doc.constructor as Model<CampaignDoc>, [doc._id]);
  });

  schema.post('insertMany', async function (this: Model<CampaignDoc>, docs: unknown) {
    await syncQuietly(
      this,
      (docs as { _id: number }[]).map((d) => d._id),
    );
  });
}
