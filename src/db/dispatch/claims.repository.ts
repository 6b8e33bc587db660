import { LOOKUPS_IN_FLIGHT, mapLimit } from '../../lib/map-limit.js';
import type { Models } from '../models.js';
import { type ChatKind, duplicateIndexes, type WorkItem } from './types.js';

/*
 * The `sending` mark: `dispatch_claims`, one insert per recipient BEFORE its platform call, unique per
 * (campaign, run, pass, recipient), with the dispatcher and the time. A second claimer (another
 * dispatcher, a restart) gets a duplicate-key error and never sends. Claims are a working set,
 * removed when the run ends.
 */

export interface ClaimDoc {
  _id: string;
  campaignId: number;
  run: number;
  pass: number;
  seq: number;
  /** the audience page of `seq` (first pass): a takeover reads the pages after the cursor only */
  page: number;
  recipient: string;
  chatId: number;
  kind: ChatKind;
  name?: string;
  phone?: string;
  owner: string;
  at: Date;
}

const claimId = (campaignId: number, run: number, pass: number, recipient: string) =>
  `${campaignId}:${run}:${pass}:${recipient}`;

export function createClaimsRepository(models: Models, pageSize: number) {
  const Claim = models.Campaign.db.collection<ClaimDoc>('dispatch_claims');

  return {
    async init(): Promise<void> {
      await Claim.createIndex({ campaignId: 1, run: 1, pass: 1, page: 1 });
    },

    /**
     * One insert per item, before any platform call. Returns the items that are ours; an item
     * claimed before (by us earlier, or by anyone) is left out and never sent again.
     */
    async claim(campaignId: number, run: number, items: readonly WorkItem[], owner: string, now: Date) {
      if (items.length === 0) return [];
      const docs: ClaimDoc[] = items.map((i) => ({
        _id: claimId(campaignId, run, i.pass, i.recipient),
        campaignId,
        run,
        pass: i.pass,
        seq: i.seq,
        page: Math.floor(i.seq / pageSize),
        recipient: i.recipient,
        chatId: i.chatId,
        kind: i.kind,
        ...(i.name ? { name: i.name } : {}),
        ...(i.phone ? { phone: i.phone } : {}),
        owner,
        at: now,
      }));
      let taken = new Set<number>();
      try {
        await Claim.insertMany(docs, { ordered: false });
      } catch (err) {
        taken = duplicateIndexes(err);
      }
      return items.filter((_, index) => !taken.has(index));
    },

    /** Gives back claims whose platform call never started (the run stopped first). */
    async release(campaignId: number, run: number, items: readonly WorkItem[]): Promise<void> {
      await mapLimit(items, LOOKUPS_IN_FLIGHT, (i) =>
        Claim.deleteOne({ _id: claimId(campaignId, run, i.pass, i.recipient) }),
      );
    },

    /**
     * Claims that may lack an outcome: first-pass ones at or after the cursor (claims are taken in
     * order, so their pages follow the cursor's without a gap) and those of the latest retry pass.
     */
    async open(campaignId: number, run: number, cursor: number, pass: number): Promise<ClaimDoc[]> {
      const found: ClaimDoc[] = [];
      for (let page = Math.floor(cursor / pageSize); ; page++) {
        const docs = await Claim.find({ campaignId, run, pass: 0, page }).toArray();
        if (docs.length === 0) break;
        found.push(...docs.filter((d) => d.seq >= cursor));
      }
      for (let p = 1; p <= pass; p++)
        found.push(...(await Claim.find({ campaignId, run, pass: p }).toArray()));
      return found;
    },

    async removeRun(campaignId: number, run: number): Promise<void> {
      await Claim.deleteMany({ campaignId, run });
    },
  };
}

export type ClaimsRepository = ReturnType<typeof createClaimsRepository>;
