import { createCampaignRepository } from '../db/campaign.repository.js';
import { createDeliveryRepository } from '../db/delivery.repository.js';
import {
  type CampaignStats,
  computeStats,
  type DeliveryStatus,
  type FailureReason,
} from '../domain/analytics.js';
import { NotFoundError } from '../domain/errors.js';
import type { ServiceDeps } from './deps.js';

/** Analytics come from the deliveries themselves (the campaign's counters are only a cache). */
export function createAnalyticsService({ models }: ServiceDeps) {
  const campaigns = createCampaignRepository(models);
  const deliveries = createDeliveryRepository(models);

  return {
    /** One run's figures, or all runs together when `run` is omitted. */
    async campaignStats(id: number, run?: number): Promise<CampaignStats> {
      const campaign = await campaigns.get(id);
      if (!campaign) throw new NotFoundError('campaign', id);
      const [rows, engagement] = await Promise.all([
        deliveries.countByStatus(id, run),
        deliveries.countEngagement(id, run),
      ]);
      const counts: Partial<Record<DeliveryStatus, number>> = {};
      const failureReasons: Partial<Record<FailureReason, number>> = {};
      for (const row of rows) {
        counts[row.status] = (counts[row.status] ?? 0) + row.count;
        if (row.status === 'failed' && row.reason) {
          failureReasons[row.reason] = (failureReasons[row.reason] ?? 0) + row.count;
        }
      }
      return computeStats({ platform: campaign.platform, counts, failureReasons, ...engagement });
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
