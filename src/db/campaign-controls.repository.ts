import type { Models } from './models.js';

/** What an admin asked of a campaign being sent. */
export type ControlAction = 'pause' | 'cancel';

interface ControlDoc {
  _id: string;
  campaignId: number;
  epoch: number;
  action: ControlAction;
  by: number;
  at: Date;
}

/*
 * An admin's pause or cancel of a running send, kept apart from the campaign document. FerretDB
 * applies an update by writing the whole document back, so the dispatcher's own writes to a
 * campaign it is sending (its cursor every few seconds, its lease) can undo a status change that
 * lands in between. An insert cannot be undone: the dispatcher reads this record (by _id, for the
 * lease epoch it holds) with every control check and stops, writing the status itself if it was
 * lost. One record per lease epoch: the first press wins, a repeated one changes nothing.
 */
export function createCampaignControlsRepository(models: Pick<Models, 'Campaign'>) {
  const controls = models.Campaign.db.collection<ControlDoc>('campaign_controls');
  const idOf = (campaignId: number, epoch: number) => `${campaignId}:${epoch}`;

  return {
    async init(): Promise<void> {
      await controls.createIndex({ campaignId: 1 });
    },

    async record(
      campaignId: number,
      epoch: number,
      action: ControlAction,
      by: number,
      at: Date,
    ): Promise<void> {
      try {
        await controls.insertOne({ _id: idOf(campaignId, epoch), campaignId, epoch, action, by, at });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
    },

    async read(campaignId: number, epoch: number): Promise<ControlAction | null> {
      const doc = await controls.findOne({ _id: idOf(campaignId, epoch) });
      return doc?.action ?? null;
    },

    async removeFor(campaignId: number): Promise<void> {
      await controls.deleteMany({ campaignId });
    },
  };
}

export type CampaignControlsRepository = ReturnType<typeof createCampaignControlsRepository>;
