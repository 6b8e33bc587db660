import type { Model } from 'mongoose';
import type { DeliveryStatus, FailureReason } from '../domain/analytics.js';
import { createKeyedQueue } from '../lib/keyed-queue.js';
import type { CounterStore } from './counter.store.js';
import { WHATSAPP_MESSAGE_IDS, type WhatsAppMessageIdDoc } from './dispatch.repository.js';
import type { Models } from './models.js';

/** WhatsApp's receipt levels (whatsapp-web.js MessageAck). */
export const WA_ACK = {
  ERROR: -1,
  PENDING: 0,
  SERVER: 1,
  DEVICE: 2,
  READ: 3,
  PLAYED: 4,
} as const;

export type AckOutcome =
  | 'delivered'
  | 'read'
  | 'failed'
  /** the delivery is not written yet (the ack overtook the result); worth another try */
  | 'not_found'
  /** tracking is off for the campaign, the ack adds nothing, or it would move the status backwards */
  | 'ignored';

/** Order of the statuses an ack may move a delivery through; it never moves backwards. */
const RANK: Record<string, number> = { sending: 0, sent: 1, delivered: 2, read: 3 };

/**
 * WhatsApp receipts: each updates one delivery, found by its WhatsApp message id through the
 * message-id link (by _id), and moves its counters. Receipts of one message are applied one after
 * the other: on FerretDB the status check and the update are two steps, and two receipts at once
 * (delivered, then read a moment later) could both count. One whatsapp role runs per account, so
 * this process sees all of an account's receipts.
 */
export function createReceiptRepository(models: Models, counters: CounterStore) {
  const { Campaign, Delivery } = models as unknown as Record<
    'Campaign' | 'Delivery',
    Model<Record<string, unknown>>
  >;

  const tracking = new Map<number, { at: number; delivery: boolean; read: boolean }>();
  async function trackingOf(campaignId: number): Promise<{ delivery: boolean; read: boolean }> {
    const cached = tracking.get(campaignId);
    if (cached && Date.now() - cached.at < 30_000) return cached;
    const doc = await Campaign.findById(campaignId, { settings: 1 }).lean().exec();
    const s = (doc?.settings ?? {}) as { trackDelivery?: boolean; trackRead?: boolean };
    const value = { at: Date.now(), delivery: s.trackDelivery !== false, read: s.trackRead !== false };
    tracking.set(campaignId, value);
    return value;
  }

  /** Without a link (sent before links were kept, or the receipt overtook the write): by the field. */
  async function applyAckNow(messageId: string, ack: number, at: Date): Promise<AckOutcome> {
    const link = await Delivery.db
      .collection<WhatsAppMessageIdDoc>(WHATSAPP_MESSAGE_IDS)
      .findOne({ _id: messageId });
    const fields = { _id: 1, campaignId: 1, run: 1, status: 1, reason: 1, deliveredAt: 1 };
    const doc = link
      ? await Delivery.findById(link.delivery, fields).lean().exec()
      : await Delivery.findOne({ platform: 'whatsapp', messageId }, fields).lean().exec();
    if (!doc) return 'not_found';
    const from = { status: doc.status as DeliveryStatus, reason: doc.reason as FailureReason | undefined };
    const ref = { campaignId: doc.campaignId as number, run: doc.run as number };
    if (ack === WA_ACK.ERROR) {
      if (from.status === 'failed') return 'ignored';
      await Delivery.updateOne(
        { _id: doc._id },
        {
          $set: {
            status: 'failed',
            reason: 'platform_restriction',
            error: 'WhatsApp reported ACK_ERROR',
            failedAt: at,
          },
        },
      ).exec();
      await counters.move(ref, from, { status: 'failed', reason: 'platform_restriction' });
      return 'failed';
    }
    const target = ack >= WA_ACK.READ ? 'read' : ack === WA_ACK.DEVICE ? 'delivered' : null;
    if (!target) return 'ignored';
    const track = await trackingOf(ref.campaignId);
    if (target === 'read' ? !track.read : !track.delivery) return 'ignored';
    if ((RANK[from.status] ?? 99) >= (RANK[target] ?? 0)) return 'ignored';
    await Delivery.updateOne(
      { _id: doc._id },
      {
        $set: {
          status: target,
          ...(target === 'read' ? { readAt: at } : {}),
          ...(target === 'delivered' || !doc.deliveredAt ? { deliveredAt: at } : {}),
        },
      },
    ).exec();
    await counters.move(ref, from, { status: target });
    return target;
  }

  const oneAtATime = createKeyedQueue();

  return {
    /**
     * Applies a receipt: DEVICE → delivered, READ/PLAYED → read, ERROR → failed. SERVER (and PENDING)
     * confirm `sent`, which the run already wrote. Tracking switched off for the campaign ignores
     * receipts of that kind; ERROR is always recorded (the message did not go out).
     */
    applyAck(messageId: string, ack: number, at: Date): Promise<AckOutcome> {
      return oneAtATime(messageId, () => applyAckNow(messageId, ack, at));
    },
  };
}

export type ReceiptRepository = ReturnType<typeof createReceiptRepository>;
