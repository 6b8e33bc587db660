import type { Model } from 'mongoose';
import { transition } from '../domain/lifecycle.js';
import { campaignListIndex } from './campaign-list-index.js';
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

/** Test-first state of a WhatsApp campaign, kept on the campaign document under `whatsappTest`. */
export interface WhatsAppTestState {
  /** the run whose test message went to the admin's test number */
  sentRun?: number;
  /** the run the admin approved with the go-ahead button */
  approvedRun?: number;
}

export const AWAITING_TEST = 'awaiting_test_approval';

/**
 * Data access for the WhatsApp role: receipts, test-first approval and contact validity. Receipts
 * update one delivery by its WhatsApp message id (indexed with the platform).
 */
export function createWhatsAppRepository(models: Models) {
  const { Campaign, Delivery, Contact, Admin } = models as unknown as Record<
    'Campaign' | 'Delivery' | 'Contact' | 'Admin',
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

  return {
    /**
     * Applies a receipt: DEVICE → delivered, READ/PLAYED → read, ERROR → failed. SERVER (and PENDING)
     * confirm `sent`, which the run already wrote. Tracking switched off for the campaign ignores
     * receipts of that kind; ERROR is always recorded (the message did not go out).
     */
    async applyAck(messageId: string, ack: number, at: Date): Promise<AckOutcome> {
      const link = await Delivery.db
        .collection<WhatsAppMessageIdDoc>(WHATSAPP_MESSAGE_IDS)
        .findOne({ _id: messageId });
      // By _id through the link (FerretDB pushes only an _id-alone filter down to SQLite: a filter on
      // _id and status read the whole collection again). Without a link (sent before links were
      // kept, or the receipt overtook the write): by the messageId field.
      const fields = { _id: 1, campaignId: 1, status: 1, deliveredAt: 1 };
      const doc = link
        ? await Delivery.findById(link.delivery, fields).lean().exec()
        : await Delivery.findOne({ platform: 'whatsapp', messageId }, fields).lean().exec();
      if (!doc) return 'not_found';
      const status = doc.status as string;
      if (ack === WA_ACK.ERROR) {
        if (status === 'failed') return 'ignored';
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
        return 'failed';
      }
      const target = ack >= WA_ACK.READ ? 'read' : ack === WA_ACK.DEVICE ? 'delivered' : null;
      if (!target) return 'ignored';
      const track = await trackingOf(doc.campaignId as number);
      if (target === 'read' ? !track.read : !track.delivery) return 'ignored';
      if ((RANK[status] ?? 99) >= (RANK[target] ?? 0)) return 'ignored';
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
      return target;
    },

    async testState(campaignId: number): Promise<WhatsAppTestState> {
      const doc = await Campaign.findById(campaignId, { whatsappTest: 1 }).lean().exec();
      return (doc?.whatsappTest as WhatsAppTestState | undefined) ?? {};
    },

    /** Written through the driver: `whatsappTest` is not in the mongoose schema (strict mode drops it). */
    async markTestSent(campaignId: number, run: number): Promise<void> {
      await Campaign.collection.updateOne(
        { _id: campaignId as never },
        { $set: { 'whatsappTest.sentRun': run } },
      );
    },

    /**
     * The go-ahead: a campaign paused for its test (that run's test) is approved and set sending
     * again. False when the button is outdated (another run, already approved, no longer paused).
     */
    async approveTest(campaignId: number, run: number): Promise<boolean> {
      const doc = await Campaign.findById(campaignId, { status: 1, run: 1, pauseReason: 1, whatsappTest: 1 })
        .lean()
        .exec();
      if (!doc) return false;
      const test = (doc.whatsappTest as WhatsAppTestState | undefined) ?? {};
      if (
        doc.status !== 'paused' ||
        doc.pauseReason !== AWAITING_TEST ||
        doc.run !== run ||
        test.sentRun !== run
      ) {
        return false;
      }
      const res = await Campaign.collection.updateOne(
        { _id: campaignId as never, status: 'paused', pauseReason: AWAITING_TEST, run },
        {
          $set: { status: transition('paused', 'resume'), 'whatsappTest.approvedRun': run },
          $unset: { pauseReason: 1, 'lease.owner': 1, 'lease.expiresAt': 1 },
        },
      );
      if (res.modifiedCount !== 1) return false;
      // A driver write: the model's hooks did not see the status change, so the list is told here.
      await campaignListIndex(models.Campaign)
        .sync([campaignId])
        .catch((err: unknown) => campaignListIndex(models.Campaign).reportSyncError(err));
      return true;
    },

    /** WhatsApp campaigns paused because WhatsApp could not send (their reason starts whatsapp_). */
    async pausedForConnection(
      limit = 20,
    ): Promise<{ id: number; name: string; adminId?: number; sent: number; total: number }[]> {
      const docs = await Campaign.find(
        { platform: 'whatsapp', status: 'paused', pauseReason: /^whatsapp_/ },
        { name: 1, startedBy: 1, createdBy: 1, counters: 1 },
      )
        .sort({ _id: 1 })
        .limit(limit)
        .lean()
        .exec();
      return docs.map((d) => {
        const counters = (d.counters ?? {}) as { sent?: number; total?: number };
        const adminId = (d.startedBy ?? d.createdBy) as number | undefined;
        return {
          id: d._id as number,
          name: String(d.name),
          ...(adminId !== undefined ? { adminId } : {}),
          sent: counters.sent ?? 0,
          total: counters.total ?? 0,
        };
      });
    },

    /** getNumberId said no: the contact is kept (with its history) but never sent to again. */
    async markInvalid(phones: readonly string[]): Promise<void> {
      if (phones.length === 0) return;
      await Contact.updateMany({ phone: { $in: [...phones] } }, { $set: { valid: false } }).exec();
    },

    /**
     * STOP from a contact: opted out from now on. A number we had no contact for is stored opted
     * out, so that a later import cannot bring it back.
     */
    async optOut(phone: string, at: Date): Promise<void> {
      await Contact.updateOne(
        { phone },
        {
          $set: { optedOut: true, optedOutAt: at },
          $setOnInsert: { name: '', segments: [], valid: true, source: 'whatsapp-stop' },
        },
        { upsert: true },
      ).exec();
    },

    /** The admins' test number (AdminDoc.testPhone). */
    async testPhoneOf(adminId: number): Promise<string | undefined> {
      const doc = await Admin.findById(adminId, { testPhone: 1 }).lean().exec();
      return (doc?.testPhone as string | undefined) || undefined;
    },
  };
}

export type WhatsAppRepository = ReturnType<typeof createWhatsAppRepository>;
