import type { Model } from 'mongoose';
import type { CampaignStatus, Platform } from '../../domain/campaign.js';
import { type CampaignAction, transition } from '../../domain/lifecycle.js';
import { type ControlAction, createCampaignControlsRepository } from '../campaign-controls.repository.js';
import type { CounterStore } from '../counter.store.js';
import type { Models } from '../models.js';
import {
  type DispatchCampaign,
  duplicateIndexes,
  type LeaseToken,
  type RunCounts,
  type RunRecord,
  toDispatchCampaign,
} from './types.js';

/*
 * The campaign document while a dispatcher runs it: the lease, the run's bookkeeping (`dispatch`),
 * its history (`runs`) and the end of a run. Every write is conditional on the lease epoch the
 * dispatcher claimed, so a dispatcher that lost its lease changes nothing.
 */

interface LeaseDoc {
  _id: string;
  campaignId: number;
  epoch: number;
  owner: string;
  at: Date;
}

/** A claimed campaign; `takeover`: its previous lease was never given back (a crash, or a lost lease). */
export type ClaimedCampaign = DispatchCampaign & { takeover: boolean };

export function createRunStateRepository(models: Models, counters: CounterStore) {
  const { Campaign, Admin } = models as unknown as Record<
    'Campaign' | 'Admin',
    Model<Record<string, unknown>>
  >;
  const Leases = models.Campaign.db.collection<LeaseDoc>('dispatch_leases');
  const controls = createCampaignControlsRepository(models);
  const SENDING = transition('scheduled', 'start');

  // The epoch, not the owner's name, is the lease: two claims can never produce the same epoch
  // (confirmed by an insert), and a whole-document write-back by a late loser cannot fake one.
  const leaseFilter = (id: number, lease: LeaseToken) => ({ _id: id, 'lease.epoch': lease.epoch });

  /** Sets the claimed state on the first campaign `filter` matches; returns it as it was before. */
  async function take(filter: object, owner: string, now: Date, leaseMs: number) {
    return Campaign.findOneAndUpdate(
      filter,
      {
        $set: {
          status: SENDING,
          'lease.owner': owner,
          'lease.expiresAt': new Date(now.getTime() + leaseMs),
        },
        $inc: { 'lease.epoch': 1 },
      },
      { sort: { 'schedule.at': 1 }, returnDocument: 'before' },
    )
      .lean()
      .exec();
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

  return {
    async init(): Promise<void> {
      await Leases.createIndex({ campaignId: 1 });
    },

    /**
     * A `sending` campaign whose lease expired (a takeover, a resume or a retry), else a due
     * `scheduled` one (the earliest first), becomes `sending` under our lease with the next epoch.
     * Two queries on status (equality, so FerretDB serves each from an index; an $or it would run
     * over every campaign of the platform on every tick). On MongoDB each update is atomic;
     * FerretDB 1.24 reads and writes in two steps, so two dispatchers can both "win" (measured: every
     * round of 8 concurrent claims had several winners): the epoch is therefore confirmed by
     * inserting `<campaign>:<epoch>` into dispatch_leases, unique by _id, and only that insert's
     * winner proceeds. Each platform has its own sender (the Telegram dispatcher, the WhatsApp role).
     */
    async claimDue(
      owner: string,
      now: Date,
      leaseMs: number,
      platform: Platform = 'telegram',
    ): Promise<ClaimedCampaign | null> {
      const before =
        (await take(
          {
            platform,
            status: SENDING,
            $or: [{ 'lease.expiresAt': { $lt: now } }, { 'lease.expiresAt': null }],
          },
          owner,
          now,
          leaseMs,
        )) ??
        (await take({ platform, status: 'scheduled', 'schedule.at': { $lte: now } }, owner, now, leaseMs));
      if (!before) return null;
      const previous = (before.lease ?? {}) as { owner?: string; epoch?: number };
      const epoch = (previous.epoch ?? 0) + 1;
      try {
        await Leases.insertOne({
          _id: `${before._id}:${epoch}`,
          campaignId: before._id as number,
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
        { _id: before._id, 'lease.epoch': epoch },
        { $set: { 'lease.owner': owner } },
      ).exec();
      const campaign = toDispatchCampaign({
        ...before,
        status: SENDING,
        lease: { owner, epoch, expiresAt: new Date(now.getTime() + leaseMs) },
      });
      return { ...campaign, takeover: before.status === SENDING && !!previous.owner };
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

    /**
     * The status, the epoch and an admin's pause or cancel for the epoch we hold (see
     * campaign-controls.repository.ts), read only: the frequent check writes nothing.
     */
    async readControl(
      id: number,
      lease?: LeaseToken,
    ): Promise<{ status: CampaignStatus; epoch: number; asked: ControlAction | null } | null> {
      const [doc, asked] = await Promise.all([
        Campaign.findById(id, { status: 1, lease: 1 }).lean().exec(),
        lease ? controls.read(id, lease.epoch) : null,
      ]);
      if (!doc) return null;
      const epoch = (doc.lease as { epoch?: number } | undefined)?.epoch ?? 0;
      return { status: doc.status as CampaignStatus, epoch, asked };
    },

    /**
     * An admin's pause or cancel whose status write a concurrent write-back undid: the run, stopped
     * by the control record, writes it (while the campaign is still `sending` under our lease).
     */
    async applyControl(c: DispatchCampaign, lease: LeaseToken, action: ControlAction): Promise<void> {
      await Campaign.updateOne(
        { ...leaseFilter(c.id, lease), status: SENDING },
        {
          $set: {
            status: transition(SENDING, action),
            ...(action === 'pause' ? { pauseReason: 'manual' } : {}),
          },
        },
      ).exec();
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

    /** Run n+1: an entry in runs[], fresh counters, and the schedule instant it serves. */
    async startRun(c: DispatchCampaign, lease: LeaseToken, now: Date): Promise<DispatchCampaign | null> {
      const run = c.run + 1;
      const runs = [...c.runs, { run, startedAt: now, total: 0, sent: 0, failed: 0, unknown: 0 }];
      const doc = await Campaign.findOneAndUpdate(
        { ...leaseFilter(c.id, lease), run: c.run },
        {
          $set: { run, runs, dispatch: { runFor: c.schedule.at ?? now, total: 0, cursor: 0, pass: 0 } },
          $unset: { progress: 1, pauseReason: 1, lastError: 1 },
        },
        { returnDocument: 'after' },
      )
        .lean()
        .exec();
      if (!doc) return null;
      await counters.begin({ campaignId: c.id, run }, c.platform, now);
      return toDispatchCampaign(doc as Record<string, unknown>);
    },

    /** Continuing the current run (resume, retry, takeover): remember the instant it now serves. */
    async continueRun(c: DispatchCampaign, lease: LeaseToken, now: Date): Promise<void> {
      await Campaign.updateOne(leaseFilter(c.id, lease), {
        $set: { 'dispatch.runFor': c.schedule.at ?? c.dispatch.runFor ?? now },
        $unset: { pauseReason: 1 },
      }).exec();
    },

    /** The audience of this run is complete in dispatch_pages: `total` recipients. */
    async markExpanded(c: DispatchCampaign, lease: LeaseToken, total: number): Promise<void> {
      await Campaign.updateOne(
        { ...leaseFilter(c.id, lease), run: c.run },
        { $set: { 'dispatch.expandedRun': c.run, 'dispatch.total': total, 'dispatch.cursor': 0 } },
      ).exec();
      await counters.setTotal({ campaignId: c.id, run: c.run }, total);
    },

    /** The first pass's cursor (every position below it has its outcome written); false when the lease is gone. */
    async saveCursor(campaignId: number, lease: LeaseToken, cursor: number): Promise<boolean> {
      const res = await Campaign.updateOne(leaseFilter(campaignId, lease), {
        $set: { 'dispatch.cursor': cursor },
      }).exec();
      return res.matchedCount === 1;
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
      const res = await Campaign.updateOne(
        { ...leaseFilter(c.id, lease), status: SENDING },
        {
          $set: {
            status: transition(SENDING, end.action),
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
      const res = await Campaign.updateOne(
        { ...leaseFilter(c.id, lease), status: SENDING },
        {
          $set: { status: transition(SENDING, 'pause'), pauseReason: reason },
          $unset: { 'lease.owner': 1, 'lease.expiresAt': 1 },
        },
      ).exec();
      return res.modifiedCount === 1;
    },

    async setProgressMessage(campaignId: number, lease: LeaseToken, chatId: number, messageId: number) {
      await Campaign.updateOne(leaseFilter(campaignId, lease), {
        $set: { progress: { chatId, messageId } },
      }).exec();
    },

    async releaseLeaseRecords(campaignId: number): Promise<void> {
      await Leases.deleteMany({ campaignId });
    },

    async adminLanguage(userId: number): Promise<string | undefined> {
      const doc = await Admin.findById(userId, { language: 1 }).lean().exec();
      return (doc?.language as string | undefined) ?? undefined;
    },
  };
}

export type RunStateRepository = ReturnType<typeof createRunStateRepository>;
