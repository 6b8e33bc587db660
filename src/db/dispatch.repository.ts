import { createHash } from 'node:crypto';
import { type Model, Types } from 'mongoose';
import type { FailureReason } from '../domain/analytics.js';
import { recipientKey, resolveTelegram } from '../domain/audience.js';
import type {
  AudienceSpec,
  CampaignStatus,
  Message,
  Platform,
  TelegramAudience,
  TelegramSettings,
} from '../domain/campaign.js';
import { type CampaignAction, transition } from '../domain/lifecycle.js';
import type { Frequency } from '../domain/schedule.js';
import type { Models } from './models.js';
import type { ReachIndex } from './reach-index.js';

/*
 * Data access for the dispatcher.
 *
 * Measured on FerretDB 1.24 (SQLite), every update, upsert or delete that names a document is a
 * scan of its whole collection (about 35 µs per document by _id, 0.3–1 ms per document for other
 * fields), while an insert costs the same whatever the size. Updating `deliveries` once or twice per
 * message would make a 10,000-recipient campaign cost ~350 ms per write. So a run only ever
 * INSERTS into big collections while it sends:
 *
 * - `dispatch_pages`: the audience frozen at the start of a run, 500 recipients per document, read
 *   by _id in order (the "pending" deliveries).
 * - `dispatch_claims`: one insert per recipient BEFORE the platform call, unique per (campaign, run,
 *   pass, recipient): the `sending` mark, with owner and time. A second claimer (another dispatcher,
 *   a restart) gets a duplicate-key error and never sends.
 * - `deliveries`: the outcome, inserted once (sent with messageId, failed with reason) under an _id
 *   derived from (campaign, run, recipient), so a repeated insert is a harmless duplicate.
 *
 * Pages and claims are working sets, removed when the run ends. Retries (the campaign service sets
 * failed deliveries back to `pending`) update those few deliveries in place.
 */

export type ChatKind = 'private' | 'group' | 'channel';

/** One recipient as an audience source yields it. */
export interface DispatchRecipient {
  chatId: number;
  kind: ChatKind;
  /** fills [Name]: a subscriber's first name or a chat's title */
  name?: string;
  /** false when we know the bot may not pin there */
  canPin?: boolean;
  /** E.164, for a WhatsApp contact (chatId is 0 then) */
  phone?: string;
}

/** A recipient of the current run, with its position and the pass that sends it. */
export interface WorkItem extends DispatchRecipient {
  recipient: string;
  seq: number;
  pass: number;
}

export interface RunRecord {
  run: number;
  startedAt?: Date;
  finishedAt?: Date;
  outcome?: 'published' | 'failed' | 'cancelled';
  total: number;
  sent: number;
  failed: number;
  unknown: number;
}

export interface DispatchState {
  /** the schedule instant the current run serves */
  runFor?: Date;
  /** the run whose audience is in dispatch_pages */
  expandedRun?: number;
  total: number;
  /** every position below this has its delivery written */
  cursor: number;
  pass: number;
}

export interface DispatchCampaign {
  id: number;
  name: string;
  status: CampaignStatus;
  platform: Platform;
  audience: AudienceSpec;
  message: Message & { placeholders?: Record<string, string> | null };
  settings: TelegramSettings;
  schedule: {
    at?: Date;
    zone: string;
    localDate?: string;
    localTime?: string;
    frequency: Frequency;
    cron?: string;
    endDate?: string;
  };
  run: number;
  runs: RunRecord[];
  counters: { total: number; sent: number; failed: number; unknown: number };
  dispatch: DispatchState;
  lease?: { owner?: string; expiresAt?: Date; epoch?: number };
  startedBy?: number;
  createdBy?: number;
  progress?: { chatId?: number; messageId?: number };
  pauseReason?: string;
}

export type FinalStatus = 'sent' | 'failed' | 'unknown';

/** What a dispatcher holds after a claim; every write about the campaign is conditional on it. */
export interface LeaseToken {
  owner: string;
  epoch: number;
}

/** The outcome of one work item, as the run hands it over for writing. */
export interface DeliveryResult {
  item: WorkItem;
  status: FinalStatus;
  reason?: FailureReason;
  error?: string;
  attempts: number;
  /** Telegram's message id, or WhatsApp's serialized message id */
  messageId?: number | string;
  /** WhatsApp: the 1-based batch (broadcast list) it was sent in */
  batch?: number;
  /** the chat it finally went to (differs after a group migration) */
  chatId: number;
  owner: string;
  sendingAt: Date;
  at: Date;
}

export interface RunCounts {
  sent: number;
  failed: number;
  unknown: number;
  pending: number;
  reasons: Partial<Record<FailureReason, number>>;
}

/** Where the audience comes from; the default reads subscribers and chats (createRecipientSource). */
export interface RecipientSource {
  /** Every recipient once, in a stable order, in batches (single ones allowed). */
  recipients(campaign: DispatchCampaign): AsyncIterable<DispatchRecipient[] | DispatchRecipient>;
}

const PAGE_SIZE = 500;

interface PageDoc {
  _id: string;
  campaignId: number;
  run: number;
  page: number;
  items: {
    recipient: string;
    seq: number;
    chatId: number;
    kind: ChatKind;
    name?: string;
    canPin?: boolean;
    phone?: string;
  }[];
}

interface LeaseDoc {
  _id: string;
  campaignId: number;
  epoch: number;
  owner: string;
  at: Date;
}

interface ClaimDoc {
  _id: string;
  campaignId: number;
  run: number;
  pass: number;
  seq: number;
  recipient: string;
  chatId: number;
  kind: ChatKind;
  name?: string;
  phone?: string;
  owner: string;
  at: Date;
}

/**
 * WhatsApp message id → delivery, written with each sent WhatsApp outcome: a receipt finds its
 * delivery by _id here instead of by `messageId` in all deliveries (FerretDB reads the collection
 * either way, but evaluates a filter on _id alone inside SQLite, many times cheaper per document:
 * measured at 50,000 documents, 1,136 ms by a field, 119 ms by _id).
 */
export const WHATSAPP_MESSAGE_IDS = 'whatsapp_message_ids';
export interface WhatsAppMessageIdDoc {
  _id: string;
  delivery: Types.ObjectId;
  campaignId: number;
}

/** The delivery's _id, derived from its unique key so that writing an outcome twice is a duplicate. */
export function deliveryId(campaignId: number, run: number, recipient: string): Types.ObjectId {
  const hex = createHash('sha1').update(`${campaignId}:${run}:${recipient}`).digest('hex').slice(0, 24);
  return new Types.ObjectId(hex);
}

const claimId = (campaignId: number, run: number, pass: number, recipient: string) =>
  `${campaignId}:${run}:${pass}:${recipient}`;

const isDuplicate = (code: unknown) => code === 11000 || code === 11001;

/** Indexes of an unordered insertMany that failed only on duplicate keys; other errors are rethrown. */
function duplicateIndexes(err: unknown): Set<number> {
  const e = err as {
    code?: number;
    writeErrors?: { index: number; code: number }[] | { index: number; code: number };
  };
  const list =
    e.writeErrors === undefined ? [] : Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
  if (list.length === 0) {
    if (isDuplicate(e.code)) return new Set([0]);
    throw err;
  }
  if (list.some((w) => !isDuplicate(w.code))) throw err;
  return new Set(list.map((w) => w.index));
}

function toDispatchCampaign(doc: Record<string, unknown>): DispatchCampaign {
  const { _id, dispatch, runs, counters, ...rest } = doc as Record<string, unknown> & {
    dispatch?: Partial<DispatchState>;
    runs?: RunRecord[];
    counters?: DispatchCampaign['counters'];
  };
  return {
    ...(rest as unknown as DispatchCampaign),
    id: _id as number,
    runs: runs ?? [],
    counters: counters ?? { total: 0, sent: 0, failed: 0, unknown: 0 },
    dispatch: {
      ...(dispatch?.runFor ? { runFor: dispatch.runFor } : {}),
      ...(typeof dispatch?.expandedRun === 'number' ? { expandedRun: dispatch.expandedRun } : {}),
      total: dispatch?.total ?? 0,
      cursor: dispatch?.cursor ?? 0,
      pass: dispatch?.pass ?? 0,
    },
  };
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

/**
 * `reach`: where outcomes that reached a private chat or a WhatsApp contact are linked for replies
 * (see ReachIndex); every sender passes one.
 */
export function createDispatchRepository(models: Models, reach?: ReachIndex) {
  // Loosely typed on purpose: mongoose's inferred filter types over these schemas cost the
  // TypeScript checker a lot; the shapes are checked by the functions' own signatures.
  const { Campaign, Delivery, Chat, Subscriber, Admin } = models as unknown as Record<
    'Campaign' | 'Delivery' | 'Chat' | 'Subscriber' | 'Admin',
    Model<Record<string, unknown>>
  >;
  // Working sets with no mongoose model: the driver's collections, indexes made in init().
  const Page = models.Campaign.db.collection<PageDoc>('dispatch_pages');
  const Claim = models.Campaign.db.collection<ClaimDoc>('dispatch_claims');
  const Leases = models.Campaign.db.collection<LeaseDoc>('dispatch_leases');
  const WaMessageIds = models.Campaign.db.collection<WhatsAppMessageIdDoc>(WHATSAPP_MESSAGE_IDS);
  const SENDING = transition('scheduled', 'start');

  // The epoch, not the owner's name, is the lease: two claims can never produce the same epoch
  // (confirmed by an insert), and a whole-document write-back by a late loser cannot fake one.
  const leaseFilter = (id: number, lease: LeaseToken) => ({ _id: id, 'lease.epoch': lease.epoch });

  /**
   * Writes outcomes: first-pass ones are inserted, retry ones update their pending delivery.
   * Returns the results actually written (a duplicate means someone recorded it already).
   */
  async function recordResults(
    campaignId: number,
    run: number,
    results: readonly DeliveryResult[],
  ): Promise<DeliveryResult[]> {
    // The reply links first: if Redis fails, nothing is written and the whole batch is tried again
    // (a failure after the inserts would leave the retry finding only duplicates, uncounted).
    // Writing a link twice changes nothing.
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

  async function countRun(c: Pick<DispatchCampaign, 'id' | 'run'>): Promise<RunCounts> {
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
  }

  async function saveCounters(c: DispatchCampaign, lease: LeaseToken, counts: RunCounts): Promise<void> {
    await Campaign.updateOne(leaseFilter(c.id, lease), {
      $set: {
        counters: {
          total: c.dispatch.total,
          sent: counts.sent,
          failed: counts.failed,
          unknown: counts.unknown,
        },
      },
    }).exec();
  }

  return {
    pageSize: PAGE_SIZE,

    async init(): Promise<void> {
      await Promise.all([
        Page.createIndex({ campaignId: 1, run: 1 }),
        Claim.createIndex({ campaignId: 1, run: 1, seq: 1 }),
        Leases.createIndex({ campaignId: 1 }),
      ]);
    },

    /**
     * One findOneAndUpdate: a due `scheduled` campaign, or a `sending` one whose lease expired or was
     * released, becomes `sending` under our lease with the next epoch; the earliest due first. On
     * MongoDB that update is atomic. FerretDB 1.24 reads and writes in two steps, so two dispatchers
     * can both "win" it (measured: every round of 8 concurrent claims had several winners); the
     * epoch is therefore confirmed by inserting `<campaign>:<epoch>` into dispatch_leases, unique
     * by _id. Only that insert's winner proceeds; the loser leaves without another write.
     * Each platform has its own sender (the Telegram dispatcher, the WhatsApp role).
     */
    async claimDue(
      owner: string,
      now: Date,
      leaseMs: number,
      platform: Platform = 'telegram',
    ): Promise<DispatchCampaign | null> {
      const doc = await Campaign.findOneAndUpdate(
        {
          platform,
          $or: [
            { status: 'scheduled', 'schedule.at': { $lte: now } },
            { status: SENDING, $or: [{ 'lease.expiresAt': { $lt: now } }, { 'lease.expiresAt': null }] },
          ],
        },
        {
          $set: {
            status: SENDING,
            'lease.owner': owner,
            'lease.expiresAt': new Date(now.getTime() + leaseMs),
          },
          $inc: { 'lease.epoch': 1 },
        },
        { sort: { 'schedule.at': 1 }, returnDocument: 'after' },
      )
        .lean()
        .exec();
      if (!doc) return null;
      const campaign = toDispatchCampaign(doc as Record<string, unknown>);
      const epoch = campaign.lease?.epoch ?? 0;
      try {
        await Leases.insertOne({
          _id: `${campaign.id}:${epoch}`,
          campaignId: campaign.id,
          epoch,
          owner,
          at: now,
        });
      } catch (err) {
        duplicateIndexes(err);
        return null;
      }
      // A loser's write-back may have replaced the owner's name; the epoch is ours either way.
      await Campaign.updateOne(
        { _id: campaign.id, 'lease.epoch': epoch },
        { $set: { 'lease.owner': owner } },
      ).exec();
      return { ...campaign, lease: { ...campaign.lease, owner, epoch } };
    },

    /** Extends our lease; null when it is no longer ours. Returns the status to notice pause/cancel. */
    async renewLease(
      id: number,
      lease: LeaseToken,
      now: Date,
      leaseMs: number,
    ): Promise<CampaignStatus | null> {
      const doc = await Campaign.findOneAndUpdate(
        leaseFilter(id, lease),
        { $set: { 'lease.expiresAt': new Date(now.getTime() + leaseMs) } },
        // no projection: FerretDB 1.24's findAndModify does not implement `fields`
        { returnDocument: 'after' },
      )
        .lean()
        .exec();
      return doc ? (doc.status as CampaignStatus) : null;
    },

    /** The status and epoch, read only: the frequent pause/cancel check writes nothing. */
    async readControl(id: number): Promise<{ status: CampaignStatus; epoch: number } | null> {
      const doc = await Campaign.findById(id, { status: 1, lease: 1 }).lean().exec();
      if (!doc) return null;
      const lease = doc.lease as { epoch?: number } | undefined;
      return { status: doc.status as CampaignStatus, epoch: lease?.epoch ?? 0 };
    },

    async releaseLease(id: number, lease: LeaseToken): Promise<void> {
      await Campaign.updateOne(leaseFilter(id, lease), {
        $unset: { 'lease.owner': 1, 'lease.expiresAt': 1 },
      }).exec();
    },

    async getCampaign(id: number): Promise<DispatchCampaign | null> {
      const doc = await Campaign.findById(id).lean().exec();
      return doc ? toDispatchCampaign(doc as Record<string, unknown>) : null;
    },

    async hasPendingDeliveries(campaignId: number, run: number): Promise<boolean> {
      const doc = await Delivery.findOne({ campaignId, run, status: 'pending' }, { _id: 1 }).lean().exec();
      return doc !== null;
    },

    /** Run n+1: fresh counters, an entry in runs[], and the schedule instant it serves. */
    async startRun(c: DispatchCampaign, lease: LeaseToken, now: Date): Promise<DispatchCampaign | null> {
      const run = c.run + 1;
      const runs = [...c.runs, { run, startedAt: now, total: 0, sent: 0, failed: 0, unknown: 0 }];
      const doc = await Campaign.findOneAndUpdate(
        { ...leaseFilter(c.id, lease), run: c.run },
        {
          $set: {
            run,
            runs,
            counters: { total: 0, sent: 0, failed: 0, unknown: 0 },
            dispatch: { runFor: c.schedule.at ?? now, total: 0, cursor: 0, pass: 0 },
          },
          $unset: { progress: 1, pauseReason: 1, lastError: 1 },
        },
        { returnDocument: 'after' },
      )
        .lean()
        .exec();
      return doc ? toDispatchCampaign(doc as Record<string, unknown>) : null;
    },

    /** Continuing the current run (resume, retry, takeover): remember the instant it now serves. */
    async continueRun(c: DispatchCampaign, lease: LeaseToken, now: Date): Promise<void> {
      await Campaign.updateOne(leaseFilter(c.id, lease), {
        $set: { 'dispatch.runFor': c.schedule.at ?? c.dispatch.runFor ?? now },
        $unset: { pauseReason: 1 },
      }).exec();
    },

    /**
     * Freezes the audience into pages. Idempotent: an interrupted expansion is thrown away and redone
     * (nothing was sent before it completed). Returns the number of recipients.
     */
    async expand(c: DispatchCampaign, source: RecipientSource): Promise<number> {
      await Page.deleteMany({ campaignId: c.id, run: c.run });
      let seq = 0;
      let page = 0;
      let items: PageDoc['items'] = [];
      const write = async () => {
        if (items.length === 0) return;
        await Page.insertOne({
          _id: `${c.id}:${c.run}:${page}`,
          campaignId: c.id,
          run: c.run,
          page,
          items,
        } as PageDoc);
        page++;
        items = [];
      };
      for await (const chunk of source.recipients(c)) {
        for (const r of Array.isArray(chunk) ? chunk : [chunk]) {
          items.push({
            recipient:
              c.platform === 'whatsapp' && r.phone
                ? recipientKey('whatsapp', r.phone)
                : recipientKey('telegram', r.chatId),
            ...(r.phone ? { phone: r.phone } : {}),
            seq: seq++,
            chatId: r.chatId,
            kind: r.kind,
            ...(r.name ? { name: r.name } : {}),
            ...(r.canPin === false ? { canPin: false } : {}),
          });
          if (items.length === PAGE_SIZE) await write();
        }
      }
      await write();
      return seq;
    },

    /** The audience of this run is complete in dispatch_pages: `total` recipients. */
    async markExpanded(c: DispatchCampaign, lease: LeaseToken, total: number): Promise<void> {
      await Campaign.updateOne(
        { ...leaseFilter(c.id, lease), run: c.run },
        {
          $set: {
            'dispatch.expandedRun': c.run,
            'dispatch.total': total,
            'dispatch.cursor': 0,
            'counters.total': total,
          },
        },
      ).exec();
    },

    async readPage(campaignId: number, run: number, page: number): Promise<WorkItem[]> {
      const doc = await Page.findOne({ _id: `${campaignId}:${run}:${page}` });
      return (doc?.items ?? []).map((i) => ({ ...i, pass: 0 }));
    },

    /**
     * The `sending` mark: one insert per item, before any platform call. Returns the items that are
     * ours; an item claimed before (by us earlier, or by anyone) is left out and never sent again.
     */
    async claim(campaignId: number, run: number, items: readonly WorkItem[], owner: string, now: Date) {
      if (items.length === 0) return [];
      const docs: ClaimDoc[] = items.map((i) => ({
        _id: claimId(campaignId, run, i.pass, i.recipient),
        campaignId,
        run,
        pass: i.pass,
        seq: i.seq,
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
    async releaseClaims(campaignId: number, run: number, items: readonly WorkItem[]): Promise<void> {
      if (items.length === 0) return;
      await Claim.deleteMany({
        _id: { $in: items.map((i) => claimId(campaignId, run, i.pass, i.recipient)) },
      });
    },

    recordResults,

    /** Live counters and the first-pass cursor; false when the lease is no longer ours. */
    async saveProgress(
      campaignId: number,
      lease: LeaseToken,
      inc: { sent: number; failed: number; unknown: number },
      cursor: number | undefined,
    ): Promise<boolean> {
      const res = await Campaign.updateOne(leaseFilter(campaignId, lease), {
        $inc: { 'counters.sent': inc.sent, 'counters.failed': inc.failed, 'counters.unknown': inc.unknown },
        ...(cursor === undefined ? {} : { $set: { 'dispatch.cursor': cursor } }),
      }).exec();
      return res.matchedCount === 1;
    },

    /**
     * After a crash: every claim without an outcome becomes `unknown` — the platform call may or may
     * not have happened, and resending could deliver twice. Returns how many were resolved so.
     */
    async resolveInterrupted(c: DispatchCampaign, now: Date): Promise<number> {
      const claims = await Claim.find({
        campaignId: c.id,
        run: c.run,
        $or: [{ pass: 0, seq: { $gte: c.dispatch.cursor } }, { pass: { $gt: 0 } }],
      }).toArray();
      if (claims.length === 0) return 0;
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
      const firstPass = claims.filter((cl) => cl.pass === 0);
      const ids = firstPass.map((cl) => deliveryId(c.id, c.run, cl.recipient));
      const existing = new Set(
        (await Delivery.collection.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray()).map(
          (d) => String(d._id),
        ),
      );
      const lost = firstPass.filter((cl) => !existing.has(String(deliveryId(c.id, c.run, cl.recipient))));
      const retries = claims.filter((cl) => cl.pass > 0);
      let retryLost: ClaimDoc[] = [];
      if (retries.length > 0) {
        const pending = await Delivery.collection
          .find(
            { _id: { $in: retries.map((cl) => deliveryId(c.id, c.run, cl.recipient)) }, status: 'pending' },
            { projection: { _id: 1, pass: 1 } },
          )
          .toArray();
        const passOf = new Map(pending.map((d) => [String(d._id), (d.pass as number | undefined) ?? 0]));
        retryLost = retries.filter((cl) => {
          const p = passOf.get(String(deliveryId(c.id, c.run, cl.recipient)));
          return p !== undefined && p < cl.pass;
        });
      }
      const written = await recordResults(c.id, c.run, [...lost, ...retryLost].map(unknown));
      return written.length;
    },

    /** The next deliveries a retry pass resends (set back to `pending` by the campaign service). */
    async pendingDeliveries(campaignId: number, run: number, afterSeq: number, limit: number, pass: number) {
      const docs = await Delivery.collection
        .find({ campaignId, run, status: 'pending', seq: { $gt: afterSeq } })
        .sort({ seq: 1 })
        .limit(limit)
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

    async nextPass(campaignId: number, lease: LeaseToken): Promise<number | null> {
      const doc = await Campaign.findOneAndUpdate(
        leaseFilter(campaignId, lease),
        { $inc: { 'dispatch.pass': 1 } },
        { returnDocument: 'after' },
      )
        .lean()
        .exec();
      return doc ? ((doc.dispatch as { pass?: number } | undefined)?.pass ?? 1) : null;
    },

    /**
     * Counts the run's deliveries (the truth). One aggregation, but FerretDB 1.24 scans the whole
     * collection for it: measured 17 s over 100,000 deliveries, so callers must keep their lease alive
     * meanwhile instead of queueing the renewal behind it.
     */
    countRun,

    /** Stores counts as the campaign's counters (a cache of the deliveries), under our lease. */
    saveCounters,

    /** countRun then saveCounters. */
    async reconcile(c: DispatchCampaign, lease: LeaseToken): Promise<RunCounts> {
      const counts = await countRun(c);
      await saveCounters(c, lease, counts);
      return counts;
    },

    /**
     * Ends the run through the lifecycle table (complete, fail or recur), conditional on the campaign
     * still being `sending` under our lease. False when someone changed it meanwhile.
     */
    async finishRun(
      c: DispatchCampaign,
      lease: LeaseToken,
      end: {
        action: Extract<CampaignAction, 'complete' | 'fail' | 'recur'>;
        outcome: 'published' | 'failed';
        counts: RunCounts;
        now: Date;
        next?: Date;
        lastError?: string;
      },
    ): Promise<boolean> {
      const from = SENDING;
      const to = transition(from, end.action);
      const res = await Campaign.updateOne(
        { ...leaseFilter(c.id, lease), status: from },
        {
          $set: {
            status: to,
            runs: runsWith(c, end.outcome, end.counts, end.now),
            ...(end.action === 'recur' && end.next ? { 'schedule.at': end.next } : {}),
            ...(end.lastError ? { lastError: end.lastError } : {}),
          },
          $unset: { 'lease.owner': 1, 'lease.expiresAt': 1 },
        },
      ).exec();
      return res.modifiedCount === 1;
    },

    /** A cancelled run: its figures go to runs[], the lease is released. */
    async closeCancelled(
      c: DispatchCampaign,
      lease: LeaseToken,
      counts: RunCounts,
      now: Date,
    ): Promise<void> {
      await Campaign.updateOne(leaseFilter(c.id, lease), {
        $set: { runs: runsWith(c, 'cancelled', counts, now) },
        $unset: { 'lease.owner': 1, 'lease.expiresAt': 1 },
      }).exec();
    },

    /** Too many failures in a row: sending → paused with the reason, lease released. */
    async autoPause(c: DispatchCampaign, lease: LeaseToken, reason: string): Promise<boolean> {
      const from = SENDING;
      const res = await Campaign.updateOne(
        { ...leaseFilter(c.id, lease), status: from },
        {
          $set: { status: transition(from, 'pause'), pauseReason: reason },
          $unset: { 'lease.owner': 1, 'lease.expiresAt': 1 },
        },
      ).exec();
      return res.modifiedCount === 1;
    },

    async cleanupRun(campaignId: number, run: number): Promise<void> {
      await Promise.all([
        Page.deleteMany({ campaignId, run }),
        Claim.deleteMany({ campaignId, run }),
        Leases.deleteMany({ campaignId }),
      ]);
    },

    async setProgressMessage(
      campaignId: number,
      lease: LeaseToken,
      chatId: number,
      messageId: number,
    ): Promise<void> {
      await Campaign.updateOne(leaseFilter(campaignId, lease), {
        $set: { progress: { chatId, messageId } },
      }).exec();
    },

    /** 403 / chat not found: subscribers stop being reachable, chats become inactive. */
    async markUnreachable(
      users: readonly number[],
      chats: readonly { chatId: number; reason: string }[],
    ): Promise<void> {
      if (users.length > 0) {
        await Subscriber.updateMany(
          { _id: { $in: [...users] } },
          { $set: { blocked: true, blockedBy: 'user' } },
        ).exec();
      }
      const byReason = new Map<string, number[]>();
      for (const { chatId, reason } of chats) byReason.set(reason, [...(byReason.get(reason) ?? []), chatId]);
      for (const [reason, ids] of byReason) {
        await Chat.updateMany(
          { _id: { $in: ids } },
          { $set: { active: false, inactiveReason: reason } },
        ).exec();
      }
    },

    /** A group became a supergroup: the new chat takes over, the old one points to it. */
    async migrateChat(oldId: number, newId: number): Promise<void> {
      const old = await Chat.findById(oldId).lean().exec();
      const { _id, createdAt, updatedAt, __v, migratedTo, inactiveReason, ...rest } = (old ?? {}) as Record<
        string,
        unknown
      >;
      await Chat.updateOne(
        { _id: newId },
        { $setOnInsert: { ...rest, type: 'supergroup', active: true } },
        { upsert: true },
      ).exec();
      await Chat.updateOne(
        { _id: oldId },
        { $set: { migratedTo: newId, active: false, inactiveReason: 'migrated' } },
      ).exec();
    },

    async adminLanguage(userId: number): Promise<string | undefined> {
      const doc = await Admin.findById(userId, { language: 1 }).lean().exec();
      return (doc?.language as string | undefined) ?? undefined;
    },
  };
}

function runsWith(
  c: DispatchCampaign,
  outcome: RunRecord['outcome'],
  counts: RunCounts,
  now: Date,
): RunRecord[] {
  const figures = {
    finishedAt: now,
    outcome,
    total: c.dispatch.total,
    sent: counts.sent,
    failed: counts.failed,
    unknown: counts.unknown,
  };
  const exists = c.runs.some((r) => r.run === c.run);
  return exists
    ? c.runs.map((r) => (r.run === c.run ? { ...r, ...figures } : r))
    : [...c.runs, { run: c.run, ...figures }];
}

export type DispatchRepository = ReturnType<typeof createDispatchRepository>;

const SUBSCRIBER_BATCH = 500;

/**
 * The default audience: Telegram subscribers and chats read with cursors and filtered by the domain
 * rules (resolveTelegram). A chosen group that migrated is followed to its supergroup.
 */
export function createRecipientSource(models: Pick<Models, 'Subscriber' | 'Chat'>): RecipientSource {
  const { Subscriber, Chat } = models as unknown as Record<
    'Subscriber' | 'Chat',
    Model<Record<string, unknown>>
  >;
  return {
    async *recipients(campaign) {
      const spec = campaign.audience;
      if (spec.kind !== 'telegram') return;
      const wanted: TelegramAudience = { ...spec };
      if (spec.allSubscribers || spec.directSubscriberIds.length > 0) {
        const filter = spec.allSubscribers
          ? { subscribed: true, blocked: false }
          : { _id: { $in: spec.directSubscriberIds } };
        const cursor = Subscriber.find(filter, { firstName: 1, subscribed: 1, blocked: 1 })
          .sort({ _id: 1 })
          .lean()
          .cursor({ batchSize: SUBSCRIBER_BATCH });
        let batch: { _id: number; firstName?: string; subscribed?: boolean; blocked?: boolean }[] = [];
        const flush = () => {
          const names = new Map(batch.map((s) => [s._id, s.firstName]));
          const rows = batch.map((s) => ({
            userId: s._id,
            subscribed: !!s.subscribed,
            blocked: !!s.blocked,
          }));
          batch = [];
          return resolveTelegram(wanted, { subscribers: rows, chats: [] }).map(
            (r): DispatchRecipient => ({ chatId: r.chatId, kind: r.kind, name: names.get(r.chatId) ?? '' }),
          );
        };
        for await (const s of cursor) {
          batch.push(s as (typeof batch)[number]);
          if (batch.length === SUBSCRIBER_BATCH) yield flush();
        }
        if (batch.length > 0) yield flush();
      }
      const chosen = [...spec.groupIds, ...spec.channelIds];
      if (chosen.length === 0) return;
      const chats = await followMigrations(Chat, chosen);
      const reached = chats.map((c) => c._id);
      const candidates = chats.map((c) => ({
        chatId: c._id,
        type: c.type,
        active: c.active !== false && !c.optedOut && c.migratedTo == null,
        memberCount: c.memberCount ?? 0,
      }));
      const info = new Map(chats.map((c) => [c._id, c]));
      const resolved = resolveTelegram(
        { ...wanted, allSubscribers: false, directSubscriberIds: [], groupIds: reached, channelIds: [] },
        { subscribers: [], chats: candidates },
      );
      yield resolved.map((r): DispatchRecipient => {
        const chat = info.get(r.chatId);
        return {
          chatId: r.chatId,
          kind: r.kind,
          name: chat?.title ?? '',
          ...(chat?.canPin === false && r.kind !== 'private' ? { canPin: false } : {}),
        };
      });
    },
  };
}

interface ChatRowDoc {
  _id: number;
  type: 'group' | 'supergroup' | 'channel';
  title?: string;
  active?: boolean;
  optedOut?: boolean;
  migratedTo?: number | null;
  memberCount?: number;
  canPin?: boolean;
}

async function followMigrations(
  Chat: Model<Record<string, unknown>>,
  ids: readonly number[],
): Promise<ChatRowDoc[]> {
  const seen = new Map<number, ChatRowDoc>();
  let next = [...new Set(ids)];
  for (let hop = 0; hop < 5 && next.length > 0; hop++) {
    const docs = (await Chat.find({ _id: { $in: next } })
      .lean()
      .exec()) as unknown as ChatRowDoc[];
    next = [];
    for (const d of docs) {
      if (seen.has(d._id)) continue;
      seen.set(d._id, d);
      if (d.migratedTo != null && !seen.has(d.migratedTo)) next.push(d.migratedTo);
    }
  }
  return [...seen.values()].sort((a, b) => a._id - b._id);
}
