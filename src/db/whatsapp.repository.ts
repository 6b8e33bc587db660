import type { Model } from 'mongoose';
import { transition } from '../domain/lifecycle.js';
import { mapLimit } from '../lib/map-limit.js';
import { type AudienceStore, type ContactClassFields, contactClass } from './audience.store.js';
import { campaignListIndex } from './campaign-list-index.js';
import type { Models } from './models.js';

/** Test-first state of a WhatsApp campaign, kept on the campaign document under `whatsappTest`. */
export interface WhatsAppTestState {
  /** the run whose test message went to the admin's test number */
  sentRun?: number;
  /** the run the admin approved with the go-ahead button */
  approvedRun?: number;
}

export const AWAITING_TEST = 'awaiting_test_approval';

/** Where contact changes are counted (audience.store.ts); only its `set` is used here. */
export type ContactCounts = Pick<AudienceStore, 'set'>;

/**
 * Data access for the WhatsApp role: test-first approval and contact validity (receipts:
 * receipt.repository.ts). Contact changes are written one document at a time, by phone (indexed),
 * and reported to the audience counts with the contact as written.
 */
export function createWhatsAppRepository(models: Models, audience: ContactCounts) {
  const { Campaign, Contact, Admin } = models as unknown as Record<
    'Campaign' | 'Contact' | 'Admin',
    Model<Record<string, unknown>>
  >;

  async function counted(docs: readonly (Record<string, unknown> | null)[]): Promise<void> {
    const moves = docs
      .filter((d) => d !== null)
      .map((d) => ({ id: String(d.phone), cls: contactClass(d as unknown as ContactClassFields) }));
    await audience.set('contacts', moves);
  }

  return {
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
      const written = await mapLimit([...new Set(phones)], 8, (phone) =>
        Contact.findOneAndUpdate({ phone }, { $set: { valid: false } }, { returnDocument: 'after' })
          .lean()
          .exec(),
      );
      await counted(written);
    },

    /**
     * STOP from a contact: opted out from now on. A number we had no contact for is stored opted
     * out, so that a later import cannot bring it back.
     */
    async optOut(phone: string, at: Date): Promise<void> {
      const written = await Contact.findOneAndUpdate(
        { phone },
        {
          $set: { optedOut: true, optedOutAt: at },
          $setOnInsert: { name: '', segments: [], valid: true, source: 'whatsapp-stop' },
        },
        { upsert: true, returnDocument: 'after' },
      )
        .lean()
        .exec();
      await counted([written]);
    },

    /** The admins' test number (AdminDoc.testPhone). */
    async testPhoneOf(adminId: number): Promise<string | undefined> {
      const doc = await Admin.findById(adminId, { testPhone: 1 }).lean().exec();
      return (doc?.testPhone as string | undefined) || undefined;
    },
  };
}

export type WhatsAppRepository = ReturnType<typeof createWhatsAppRepository>;
