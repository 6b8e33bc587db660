import type { ClickRef } from '../domain/tracking.js';
import type { CounterStore } from './counter.store.js';
import { deliveryId } from './dispatch.repository.js';
import type { Models } from './models.js';

const isDuplicate = (err: unknown) => {
  const code = (err as { code?: number }).code;
  return code === 11000 || code === 11001;
};

/** One document per (campaign, run, recipient); the _id is that key, so a second insert is refused. */
const onceId = ({ campaignId, run, recipient }: ClickRef) => `${campaignId}:${run}:${recipient}`;

/**
 * Clicks and conversions. FerretDB 1.24 does not make a conditional update atomic (two concurrent
 * "set clickedAt if unset" updates can both win), so the once-per-recipient decision is an insert
 * into `link_clicks` / `goal_hits` keyed by (campaign, run, recipient): exactly one insert succeeds,
 * on FerretDB and MongoDB alike. Only the winner stamps the delivery and counts as a first click.
 */
export function createTrackingRepository(
  { Delivery, Campaign }: Pick<Models, 'Delivery' | 'Campaign'>,
  counters: CounterStore,
) {
  const clicks = Delivery.db.collection<{ _id: string }>('link_clicks');
  const goals = Delivery.db.collection<{ _id: string }>('goal_hits');
  const deliveries = Delivery as unknown as {
    updateOne(filter: object, update: object): { exec(): Promise<{ matchedCount: number }> };
  };

  /** By the derived _id (the dispatcher writes it), else by the unique key (imported or older data). */
  async function updateDelivery(ref: ClickRef, extra: object, update: object): Promise<boolean> {
    const byId = await deliveries
      .updateOne({ _id: deliveryId(ref.campaignId, ref.run, ref.recipient), ...extra }, update)
      .exec();
    if (byId.matchedCount > 0) return true;
    const byKey = await deliveries
      .updateOne({ campaignId: ref.campaignId, run: ref.run, recipient: ref.recipient, ...extra }, update)
      .exec();
    return byKey.matchedCount > 0;
  }

  async function once(
    collection: typeof clicks,
    ref: ClickRef,
    fields: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await collection.insertOne({ _id: onceId(ref), ...ref, ...fields });
      return true;
    } catch (err) {
      if (isDuplicate(err)) return false;
      throw err;
    }
  }

  const campaignsModel = Campaign as unknown as {
    updateOne(filter: object, update: object): { exec(): Promise<{ matchedCount: number }> };
  };

  return {
    /**
     * Sets (or with `undefined`, removes) one tracking setting, unless the campaign is being sent:
     * FerretDB rewrites the whole document on an update, so a write beside the dispatcher's lease
     * and counter writes could undo one of them. False when no campaign outside `sending` matched.
     */
    async setCampaignSetting(id: number, field: 'trackClicks' | 'goalUrl', value: unknown): Promise<boolean> {
      const update =
        value === undefined
          ? { $unset: { [`settings.${field}`]: 1 } }
          : { $set: { [`settings.${field}`]: value, updatedAt: new Date() } };
      const r = await campaignsModel.updateOne({ _id: id, status: { $ne: 'sending' } }, update).exec();
      return r.matchedCount > 0;
    },

    /**
     * Records one click. Returns true for the recipient's first click of that run. Every click adds
     * to the counters' `clicks` (exact) and to the delivery's `clicks` (an $inc: exact on MongoDB; on
     * FerretDB two clicks in the same instant may count once there, as the CSV export shows).
     */
    async click(ref: ClickRef & { link: number }, at: Date): Promise<boolean> {
      const first = await once(clicks, ref, { link: ref.link, at });
      if (first) await updateDelivery(ref, {}, { $set: { clickedAt: at }, $inc: { clicks: 1 } });
      else await updateDelivery(ref, {}, { $inc: { clicks: 1 } });
      await counters.click({ campaignId: ref.campaignId, run: ref.run }, first, at);
      return first;
    },

    /** Records a conversion; true only the first time for this recipient and run. */
    async convert(ref: ClickRef, at: Date, source: 'goal_url' | 'webhook'): Promise<boolean> {
      const first = await once(goals, ref, { at, source });
      if (first) {
        await updateDelivery(ref, {}, { $set: { convertedAt: at } });
        await counters.conversion({ campaignId: ref.campaignId, run: ref.run });
      }
      return first;
    },
  };
}

export type TrackingRepository = ReturnType<typeof createTrackingRepository>;
