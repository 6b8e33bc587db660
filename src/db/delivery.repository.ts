import type { DeliveryStatus, FailureReason } from '../domain/analytics.js';
import { WHATSAPP_MESSAGE_IDS } from './dispatch.repository.js';
import type { Models } from './models.js';

export interface StatusCount {
  run: number;
  status: DeliveryStatus;
  reason?: FailureReason;
  count: number;
}

export interface EngagementCounts {
  clicked: number;
  responses: number;
  conversions: number;
  responseTimes: { totalMs: number; count: number };
}

/**
 * The read side of deliveries (the dispatcher writes them). FerretDB 1.24 returns 0 for every
 * accumulator after the first in one $group, so each aggregation here has exactly one.
 */
export function createDeliveryRepository({ Delivery }: Pick<Models, 'Delivery'>) {
  const scope = (campaignId: number, run?: number) =>
    run === undefined ? { campaignId } : { campaignId, run };

  return {
    /** Deliveries per (run, status, failure reason). */
    async countByStatus(campaignId: number, run?: number): Promise<StatusCount[]> {
      const rows = await Delivery.aggregate<{
        _id: { run: number; status: DeliveryStatus; reason?: FailureReason | null };
        n: number;
      }>([
        { $match: scope(campaignId, run) },
        { $group: { _id: { run: '$run', status: '$status', reason: '$reason' }, n: { $sum: 1 } } },
      ]).exec();
      return rows.map(({ _id, n }) => ({
        run: _id.run,
        status: _id.status,
        ...(_id.reason ? { reason: _id.reason } : {}),
        count: n,
      }));
    },

    async countEngagement(campaignId: number, run?: number): Promise<EngagementCounts> {
      const base = scope(campaignId, run);
      const [clicked, responses, conversions, timed, sums] = await Promise.all([
        Delivery.countDocuments({ ...base, clickedAt: { $exists: true } }).exec(),
        Delivery.countDocuments({ ...base, respondedAt: { $exists: true } }).exec(),
        Delivery.countDocuments({ ...base, convertedAt: { $exists: true } }).exec(),
        Delivery.countDocuments({ ...base, responseMs: { $exists: true } }).exec(),
        Delivery.aggregate<{ total: number }>([
          { $match: { ...base, responseMs: { $exists: true } } },
          { $group: { _id: null, total: { $sum: '$responseMs' } } },
        ]).exec(),
      ]);
      return {
        clicked,
        responses,
        conversions,
        responseTimes: { totalMs: sums[0]?.total ?? 0, count: timed },
      };
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
        ['dispatch_pages', 'dispatch_claims', 'dispatch_leases'].map((name) =>
          db.collection(name).deleteMany({ campaignId }),
        ),
      );
    },
  };
}

export type DeliveryRepository = ReturnType<typeof createDeliveryRepository>;
