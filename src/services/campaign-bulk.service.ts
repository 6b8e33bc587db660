import type { CampaignStatus, TrainingStatus } from '../domain/campaign.js';
import { DomainError } from '../domain/errors.js';
import type { DeleteOutcome } from '../domain/lifecycle.js';
import type { CampaignService } from './campaign.service.js';
import type { TrainingService } from './training.service.js';

export const BULK_STATUS_ACTIONS = ['unschedule', 'cancel', 'pause', 'resume', 'retry', 'archive'] as const;
export type BulkStatusAction = (typeof BULK_STATUS_ACTIONS)[number];

export interface BulkRefusal {
  id: number;
  /** a DomainError code: the bot shows `error-<code>` with `params` */
  code: string;
  params: Record<string, string | number>;
}

export interface BulkReport<T> {
  done: { id: number; result: T }[];
  refused: BulkRefusal[];
}

/**
 * Bulk actions apply the single-campaign rule to each selected campaign in turn; a campaign the rule
 * refuses is reported with the reason and the others go ahead. Anything but a rule violation aborts.
 */
export function createCampaignBulkService({
  campaigns,
  training,
}: {
  campaigns: CampaignService;
  /** with it, "Trained" really trains each campaign from its intents and "Not trained" drops the model */
  training?: Pick<TrainingService, 'train' | 'reset'>;
}) {
  async function each<T>(ids: readonly number[], run: (id: number) => Promise<T>): Promise<BulkReport<T>> {
    const report: BulkReport<T> = { done: [], refused: [] };
    for (const id of new Set(ids)) {
      try {
        report.done.push({ id, result: await run(id) });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        report.refused.push({ id, code: err.code, params: err.params });
      }
    }
    return report;
  }

  return {
    remove(ids: readonly number[], adminId: number): Promise<BulkReport<DeleteOutcome>> {
      return each(ids, (id) => campaigns.remove(id, adminId));
    },

    changeStatus(
      ids: readonly number[],
      action: BulkStatusAction,
      adminId: number,
    ): Promise<BulkReport<CampaignStatus>> {
      return each(ids, async (id) => (await campaigns[action](id, adminId)).status);
    },

    /** `result` is the new draft's id. */
    duplicate(ids: readonly number[], adminId: number): Promise<BulkReport<number>> {
      return each(ids, async (id) => (await campaigns.duplicate(id, adminId)).id);
    },

    setTraining(
      ids: readonly number[],
      status: TrainingStatus,
      adminId: number,
    ): Promise<BulkReport<TrainingStatus>> {
      return each(ids, async (id) => {
        if (!training) return (await campaigns.setTraining(id, status, adminId)).training;
        if (status === 'not_trained') return (await training.reset(id, adminId)).status;
        return (await training.train(id, adminId)).status;
      });
    },
  };
}

export type CampaignBulkService = ReturnType<typeof createCampaignBulkService>;
