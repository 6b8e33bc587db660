import type { Model, Types } from 'mongoose';
import type { FailureReason } from '../../domain/analytics.js';
import { LOOKUPS_IN_FLIGHT, mapLimit } from '../../lib/map-limit.js';
import type { CounterStore } from '../counter.store.js';
import type { Models } from '../models.js';
import type { ReachIndex } from '../reach-index.js';
import type { ClaimDoc, ClaimsRepository } from './claims.repository.js';
import {
  type ChatKind,
  type DeliveryResult,
  type DispatchCampaign,
  deliveryId,
  duplicateIndexes,
  type RunCounts,
  type WorkItem,
} from './types.js';

/*
 * Outcomes: a first-pass outcome is INSERTED into `deliveries` under an _id derived from (campaign,
 * run, recipient), so writing it twice is a harmless duplicate; a retry pass updates the few
 * deliveries the campaign service set back to `pending`. Only what was really written is counted
 * (counter.store.ts) and linked for replies (reach-index.ts).
 */

/**
 * WhatsApp message id → delivery, written with each sent WhatsApp outcome: a receipt finds its
 * delivery by _id here (an equality on _id, the cheapest lookup there is).
 */
export const WHATSAPP_MESSAGE_IDS = 'whatsapp_message_ids';
export interface WhatsAppMessageIdDoc {
  _id: string;
  delivery: Types.ObjectId;
  campaignId: number;
}

function deliveryFields(r: DeliveryResult) {
  const { item } = r;
  return {
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.error ? { error: r.error.slice(0, 500) } : {}),
    attempts: r.attempts,
    ...(r.messageId !== undefined ? { messageId: String(r.messageId) } : {}),
    ...(r.batch !== undefined ? { batch: r.batch } : {}),
    chatId: r.chatId,
    owner: r.owner,
    sendingAt: r.sendingAt,
    pass: item.pass,
    ...(r.status === 'sent' ? { sentAt: r.at } : r.status === 'failed' ? { failedAt: r.at } : {}),
    updatedAt: r.at,
  };
}

export function createOutcomesRepository(
  models: Models,
  deps: { counters: CounterStore; claims: ClaimsRepository; pageSize: number; reach?: ReachIndex },
) {
  const { Delivery } = models as unknown as Record<'Delivery', Model<Record<string, unknown>>>;
  const WaMessageIds = models.Campaign.db.collection<WhatsAppMessageIdDoc>(WHATSAPP_MESSAGE_IDS);
  const { counters, claims, pageSize, reach } = deps;

  /** Writes outcomes and counts those written. Returns them (a duplicate means someone recorded it). */
  async function recordResults(
    campaignId: number,
    run: number,
    results: readonly DeliveryResult[],
  ): Promise<DeliveryResult[]> {
    // The reply links first: if Redis fails, nothing is written and the whole batch is tried again
    // (a failure after the inserts would leave the retry finding only duplicates). Writing a link
    // twice changes nothing.
    await reach?.record(
      results
        .filter((r) => r.status === 'sent' && (r.item.phone || r.item.kind === 'private'))
        .map((r) => ({
          recipient: r.item.recipient,
          delivery: deliveryId(campaignId, run, r.item.recipient).toHexString(),
          campaignId,
          run,
          sentAt: r.at.getTime(),
        })),
    );
    const written: DeliveryResult[] = [];
    const first = results.filter((r) => r.item.pass === 0);
    if (first.length > 0) {
      const docs = first.map((r) => ({
        _id: deliveryId(campaignId, run, r.item.recipient),
        campaignId,
        run,
        recipient: r.item.recipient,
        seq: r.item.seq,
        page: Math.floor(r.item.seq / pageSize),
        ...(r.item.phone
          ? { platform: 'whatsapp', phone: r.item.phone }
          : { platform: 'telegram', chatKind: r.item.kind }),
        ...(r.item.name ? { name: r.item.name } : {}),
        clicks: 0,
        createdAt: r.at,
        ...deliveryFields(r),
      }));
      let dup = new Set<number>();
      try {
        await Delivery.collection.insertMany(docs, { ordered: false });
      } catch (err) {
        dup = duplicateIndexes(err);
      }
      first.forEach((r, i) => {
        if (!dup.has(i)) written.push(r);
      });
    }
    for (const r of results.filter((x) => x.item.pass > 0)) {
      const res = await Delivery.collection.updateOne(
        { _id: deliveryId(campaignId, run, r.item.recipient), status: 'pending' },
        { $set: deliveryFields(r) },
      );
      if (res.modifiedCount === 1) written.push(r);
    }
    await counters.outcomes(
      { campaignId, run },
      written.map((r) => ({ status: r.status, ...(r.reason ? { reason: r.reason } : {}), at: r.at })),
    );
    const links = written
      .filter((r) => r.item.phone && r.messageId !== undefined)
      .map((r) => ({
        _id: String(r.messageId),
        delivery: deliveryId(campaignId, run, r.item.recipient),
        campaignId,
      }));
    if (links.length > 0) {
      await WaMessageIds.insertMany(links, { ordered: false }).catch((err: unknown) => duplicateIndexes(err));
    }
    return written;
  }

  /** Which of these deliveries exist, with their status and pass (one lookup by _id each). */
  async function statusOf(ids: readonly Types.ObjectId[]) {
    const found = new Map<string, { status: string; pass: number }>();
    await mapLimit(ids, LOOKUPS_IN_FLIGHT, async (_id) => {
      const d = await Delivery.collection.findOne({ _id }, { projection: { status: 1, pass: 1 } });
      if (d)
        found.set(String(_id), { status: d.status as string, pass: (d.pass as number | undefined) ?? 0 });
    });
    return found;
  }

  return {
    async init(): Promise<void> {
      await claims.init();
    },

    recordResults,

    /**
     * After a crash: every claim without an outcome becomes `unknown`: the platform call may or may
     * not have happened, and resending could deliver twice. Returns how many were resolved so.
     */
    async resolveInterrupted(c: DispatchCampaign, now: Date): Promise<number> {
      const open = await claims.open(c.id, c.run, c.dispatch.cursor, c.dispatch.pass);
      if (open.length === 0) return 0;
      const unknown = (cl: ClaimDoc): DeliveryResult => ({
        item: {
          recipient: cl.recipient,
          seq: cl.seq,
          pass: cl.pass,
          chatId: cl.chatId,
          kind: cl.kind,
          ...(cl.name ? { name: cl.name } : {}),
          ...(cl.phone ? { phone: cl.phone } : {}),
        },
        status: 'unknown',
        attempts: 1,
        chatId: cl.chatId,
        owner: cl.owner,
        sendingAt: cl.at,
        at: now,
      });
      const idOf = (cl: ClaimDoc) => deliveryId(c.id, c.run, cl.recipient);
      const existing = await statusOf(open.map(idOf));
      const lost = open.filter((cl) => {
        const d = existing.get(String(idOf(cl)));
        // first pass: no delivery yet; a retry: still pending from an earlier pass
        return cl.pass === 0 ? d === undefined : d?.status === 'pending' && d.pass < cl.pass;
      });
      const written = await recordResults(c.id, c.run, lost.map(unknown));
      return written.length;
    },

    /**
     * The deliveries a retry pass resends (set back to `pending` by the campaign service), one
     * audience page at a time: `page` is an equality FerretDB serves from an index, where a range on
     * `seq` would make it read and sort every pending delivery for each page. Without `page`, every
     * pending one left (deliveries written before they carried a page).
     */
    async pendingDeliveries(campaignId: number, run: number, page: number | undefined, pass: number) {
      const docs = await Delivery.collection
        .find({ campaignId, run, status: 'pending', ...(page === undefined ? {} : { page }) })
        .sort({ seq: 1 })
        .toArray();
      return docs.map(
        (d): WorkItem => ({
          recipient: d.recipient as string,
          seq: d.seq as number,
          pass,
          chatId: d.chatId as number,
          kind: (d.chatKind as ChatKind | undefined) ?? ((d.chatId as number) > 0 ? 'private' : 'group'),
          ...(d.name ? { name: d.name as string } : {}),
          ...(d.phone ? { phone: d.phone as string } : {}),
        }),
      );
    },

    async hasPendingDeliveries(campaignId: number, run: number): Promise<boolean> {
      const doc = await Delivery.findOne({ campaignId, run, status: 'pending' }, { _id: 1 }).lean().exec();
      return doc !== null;
    },

    /**
     * Counts the run's outcomes from the deliveries (the truth the counters cache). It reads every
     * delivery of the run: only for a run taken over after a crash, never on a hot path.
     */
    async countOutcomes(c: Pick<DispatchCampaign, 'id' | 'run'>): Promise<RunCounts> {
      // One accumulator per $group: FerretDB 1.24 returns 0 for the others.
      const rows = await Delivery.aggregate<{ _id: { status: string; reason?: string | null }; n: number }>([
        { $match: { campaignId: c.id, run: c.run } },
        { $group: { _id: { status: '$status', reason: '$reason' }, n: { $sum: 1 } } },
      ]).exec();
      const counts: RunCounts = { sent: 0, failed: 0, unknown: 0, pending: 0, reasons: {} };
      for (const { _id, n } of rows) {
        if (_id.status === 'sent' || _id.status === 'delivered' || _id.status === 'read') counts.sent += n;
        else if (_id.status === 'failed') {
          counts.failed += n;
          const reason = (_id.reason ?? 'unknown') as FailureReason;
          counts.reasons[reason] = (counts.reasons[reason] ?? 0) + n;
        } else if (_id.status === 'unknown') counts.unknown += n;
        else counts.pending += n;
      }
      return counts;
    },
  };
}

export type OutcomesRepository = ReturnType<typeof createOutcomesRepository>;
