import type { FailureReason } from '../domain/analytics.js';
import { WHATSAPP_MESSAGE_IDS } from './dispatch.repository.js';
import type { Models } from './models.js';

/**
 * Deliveries outside a run: the campaign service's retry and delete (the dispatcher writes them,
 * recount.repository.ts counts them). FerretDB 1.24 returns 0 for every accumulator after the first
 * in one $group, so each aggregation here has exactly one.
 */
export function createDeliveryRepository({ Delivery }: Pick<Models, 'Delivery'>) {
  return {
    /** A campaign's message-id links are deleted by campaignId with it (createModels calls this). */
    async init(): Promise<void> {
      await Delivery.db.collection(WHATSAPP_MESSAGE_IDS).createIndex({ campaignId: 1 });
    },

    /** The run's failed deliveries per reason (those a retry sets back to pending). */
    async failedByReason(campaignId: number, run: number): Promise<Partial<Record<FailureReason, number>>> {
      const rows = await Delivery.aggregate<{ _id: FailureReason | null; n: number }>([
        { $match: { campaignId, run, status: 'failed' } },
        { $group: { _id: '$reason', n: { $sum: 1 } } },
      ]).exec();
      return Object.fromEntries(rows.map((r) => [r._id ?? 'unknown', r.n]));
    },

    /** Failed deliveries of one run back to pending, so that a retry resends exactly those. */
    async resetFailed(campaignId: number, run: number): Promise<number> {
      const result = await Delivery.updateMany(
        { campaignId, run, status: 'failed' },
        { $set: { status: 'pending' }, $unset: { reason: 1, error: 1, failedAt: 1, owner: 1, sendingAt: 1 } },
      ).exec();
      return result.modifiedCount;
    },

    async removeForCampaign(campaignId: number): Promise<number> {
      await Delivery.db.collection(WHATSAPP_MESSAGE_IDS).deleteMany({ campaignId });
      const result = await Delivery.deleteMany({ campaignId }).exec();
      return result.deletedCount;
    },

    /**
     * The dispatcher's working sets of a campaign (audience pages, recipient claims, lease records):
     * what is left when a run will never continue (cancelled while paused, or deleted).
     */
    async removeWorkingSets(campaignId: number): Promise<void> {
      const { db } = Delivery;
      await Promise.all(
        ['dispatch_pages', 'dispatch_claims', 'dispatch_leases', 'campaign_controls'].map((name) =>
          db.collection(name).deleteMany({ campaignId }),
        ),
      );
    },
  };
}

export type DeliveryRepository = ReturnType<typeof createDeliveryRepository>;
