import { type Campaign, type CampaignSchedule, createCampaignRepository } from '../db/campaign.repository.js';
import { type ControlAction, createCampaignControlsRepository } from '../db/campaign-controls.repository.js';
import type { CounterStore } from '../db/counter.store.js';
import { createDeliveryRepository } from '../db/delivery.repository.js';
import type { FailureReason } from '../domain/analytics.js';
import {
  type AudienceSpec,
  assertFeatureAvailable,
  type CampaignType,
  DEFAULT_TRAINING_STATUS,
  defaultAudience,
  defaultSettings,
  type Message,
  type Platform,
  type PlatformSettings,
  type TrainingStatus,
  validateName,
} from '../domain/campaign.js';
import { EmptyAudienceError, InvalidSettingError, NotFoundError } from '../domain/errors.js';
import {
  assertEditable,
  type DeleteOutcome,
  deleteOutcome,
  duplicateName,
  transition,
} from '../domain/lifecycle.js';
import { assertNoUnfilled, validateMessage } from '../domain/message.js';
import {
  assertFuture,
  assertTimeZone,
  type Frequency,
  instantToLocal,
  type LocalDate,
  type LocalTime,
  localToInstant,
  parseLocalDate,
  parseLocalTime,
  validateRecurrence,
} from '../domain/schedule.js';
import { assertTrainingApplies } from '../domain/training.js';
import type { AdminService } from './admin.service.js';
import type { AudienceService } from './audience.service.js';
import { type ServiceDeps, systemClock } from './deps.js';

export interface ScheduleInput {
  date: LocalDate;
  time: LocalTime;
  /** defaults to the campaign's zone */
  zone?: string;
  frequency?: Frequency;
  cron?: string;
  endDate?: LocalDate;
}

export interface CampaignPatch {
  name?: string;
  type?: CampaignType;
  audience?: AudienceSpec;
  message?: Message;
  schedule?: ScheduleInput;
  settings?: Partial<PlatformSettings>;
  templateKey?: string;
}

export interface NewCampaignInput {
  name: string;
  platform: Platform;
  type?: CampaignType;
  /** the creating admin: their zone becomes the campaign's */
  adminId: number;
  /**
   * Names this save: a second create with the same key (the wizard's last press, repeated after a
   * crash or a lost answer) returns the campaign the first one made, whatever became of it since.
   */
  requestKey?: string;
}

/** How long a retry keeps the campaign to itself while it resets deliveries (crash-safe: it expires). */
const RETRY_HOLD_MS = 60_000;
/** An expired lease: the dispatcher claims `sending` campaigns whose lease is in the past. */
const EXPIRED = new Date(0);

function scheduleFields(input: ScheduleInput, currentZone: string): CampaignSchedule {
  const zone = assertTimeZone(input.zone ?? currentZone);
  const localDate = parseLocalDate(input.date);
  const localTime = parseLocalTime(input.time);
  const at = localToInstant({ date: localDate, time: localTime, zone });
  const recurrence = validateRecurrence(
    {
      frequency: input.frequency ?? 'none',
      ...(input.cron !== undefined ? { cron: input.cron } : {}),
      ...(input.endDate !== undefined ? { endDate: input.endDate } : {}),
    },
    zone,
    at,
  );
  return { at, zone, localDate, localTime, ...recurrence };
}

function validateSettings(platform: Platform, settings: PlatformSettings): void {
  if (platform !== 'whatsapp' || !('maxPerMinute' in settings)) return;
  if (!Number.isInteger(settings.maxPerMinute) || settings.maxPerMinute < 1) {
    throw new InvalidSettingError('maxPerMinute', settings.maxPerMinute);
  }
  if (!Number.isFinite(settings.batchDelaySeconds) || settings.batchDelaySeconds < 0) {
    throw new InvalidSettingError('batchDelaySeconds', settings.batchDelaySeconds);
  }
}

/**
 * Single-campaign use cases. Every status change goes through the domain's transition table and is
 * written conditionally on the status read, so on MongoDB a race ends in ConcurrentChangeError, never a
 * lost update. (FerretDB 1.24 runs an update as read-then-write without a transaction: there a change
 * made before our write is caught, one landing inside FerretDB's own read-write gap is not.)
 */
export function createCampaignService(
  deps: ServiceDeps & {
    audience: AudienceService;
    admins: Pick<AdminService, 'timeZoneOf'>;
    counters: CounterStore;
  },
) {
  const { models, logger, audience, admins, counters } = deps;
  const clock = deps.clock ?? systemClock;
  const repo = createCampaignRepository(models);
  const deliveries = createDeliveryRepository(models);
  const controls = createCampaignControlsRepository(models);

  /**
   * A send under way also gets the request as a record its dispatcher reads (an insert: a
   * dispatcher's own write-back cannot undo it, as it can undo the status on FerretDB).
   */
  async function askRunningSend(c: Campaign, action: ControlAction, adminId: number): Promise<void> {
    if (c.status !== 'sending') return;
    await controls.record(c.id, c.lease?.epoch ?? 0, action, adminId, clock());
  }

  async function get(id: number): Promise<Campaign> {
    const campaign = await repo.get(id);
    if (!campaign) throw new NotFoundError('campaign', id);
    return campaign;
  }

  /** What must hold before a campaign may go out: a sendable message with nothing left to fill in, and someone to send it to. */
  async function assertSendable(c: Pick<Campaign, 'message' | 'platform' | 'audience'>): Promise<void> {
    validateMessage(c.message, c.platform);
    assertNoUnfilled(c.message.text);
    if (!(await audience.hasRecipients(c.audience))) throw new EmptyAudienceError();
  }

  return {
    get,

    async create(input: NewCampaignInput): Promise<Campaign> {
      const name = validateName(input.name);
      if (input.requestKey) {
        const earlier = await repo.findByRequestKey(input.requestKey);
        if (earlier) return earlier;
      }
      const zone = await admins.timeZoneOf(input.adminId);
      const campaign = await repo.insertNew({
        name,
        platform: input.platform,
        type: input.type ?? 'promotional',
        status: 'draft',
        training: DEFAULT_TRAINING_STATUS,
        audience: defaultAudience(input.platform),
        message: { text: '' },
        schedule: { zone, frequency: 'none' },
        settings: defaultSettings(input.platform),
        createdBy: input.adminId,
        updatedBy: input.adminId,
        ...(input.requestKey ? { requestKey: input.requestKey } : {}),
      });
      logger.info(
        { campaignId: campaign.id, platform: input.platform, adminId: input.adminId },
        'campaign created',
      );
      return campaign;
    },

    /**
     * Partial edit in draft or scheduled. A scheduled campaign must stay sendable, so the parts that
     * change are checked as schedule() would check them.
     */
    async update(id: number, patch: CampaignPatch, adminId: number): Promise<Campaign> {
      const c = await get(id);
      assertEditable(c.status);
      const set: Record<string, unknown> = { updatedBy: adminId };
      if (patch.name !== undefined) set.name = validateName(patch.name);
      if (patch.type !== undefined) set.type = patch.type;
      if (patch.templateKey !== undefined) set.templateKey = patch.templateKey;
      if (patch.audience !== undefined) {
        if (patch.audience.kind !== c.platform)
          throw new TypeError(`A ${c.platform} campaign needs a ${c.platform} audience`);
        set.audience = patch.audience;
      }
      if (patch.message !== undefined) {
        validateMessage(patch.message, c.platform);
        set.message = patch.message;
      }
      if (patch.settings !== undefined) {
        const settings = { ...c.settings, ...patch.settings } as PlatformSettings;
        validateSettings(c.platform, settings);
        set.settings = settings;
      }
      if (patch.schedule !== undefined) {
        const schedule = scheduleFields(patch.schedule, c.schedule.zone);
        if (c.status === 'scheduled') assertFuture(schedule.at!, clock());
        set.schedule = schedule;
      }
      if (c.status === 'scheduled' && (patch.message !== undefined || patch.audience !== undefined)) {
        await assertSendable({
          platform: c.platform,
          message: patch.message ?? c.message,
          audience: patch.audience ?? c.audience,
        });
      }
      return repo.update(id, c.status, set);
    },

    /** draft → scheduled at a future time; the admin who scheduled it gets the progress message. */
    async schedule(id: number, input: ScheduleInput, adminId: number): Promise<Campaign> {
      const c = await get(id);
      transition(c.status, 'schedule'); // refuse an illegal move before the slower checks
      const schedule = scheduleFields(input, c.schedule.zone);
      assertFuture(schedule.at!, clock());
      await assertSendable(c);
      const updated = await repo.changeStatus(id, c.status, 'schedule', {
        set: { schedule, startedBy: adminId, updatedBy: adminId },
      });
      logger.info({ campaignId: id, at: schedule.at, adminId }, 'campaign scheduled');
      return updated;
    },

    /**
     * Hands the campaign to the dispatcher at once: status `scheduled` with `schedule.at` = now, so the
     * next scheduler tick claims it. A recurring campaign keeps its series (its first local time stays).
     */
    async sendNow(id: number, adminId: number): Promise<Campaign> {
      const c = await get(id);
      transition(c.status, 'start'); // only a draft or scheduled campaign can be sent
      await assertSendable(c);
      const now = clock();
      const set: Record<string, unknown> = { 'schedule.at': now, startedBy: adminId, updatedBy: adminId };
      if (!c.schedule.localDate) {
        const local = instantToLocal(now, c.schedule.zone);
        set['schedule.localDate'] = local.date;
        set['schedule.localTime'] = local.time;
      }
      const updated =
        c.status === 'draft'
          ? await repo.changeStatus(id, 'draft', 'schedule', { set, unset: ['progress'] })
          : await repo.update(id, 'scheduled', set, ['progress']);
      logger.info({ campaignId: id, adminId }, 'campaign sent now');
      return updated;
    },

    async unschedule(id: number, adminId: number): Promise<Campaign> {
      const c = await get(id);
      return repo.changeStatus(id, c.status, 'unschedule', { set: { updatedBy: adminId } });
    },

    /** A running send stops at its next lease renewal (the dispatcher renews only while `sending`). */
    async cancel(id: number, adminId: number): Promise<Campaign> {
      const c = await get(id);
      const cancelled = await repo.changeStatus(id, c.status, 'cancel', { set: { updatedBy: adminId } });
      await askRunningSend(c, 'cancel', adminId);
      // A running send cleans up as it stops; a paused one has no dispatcher left to do it.
      if (c.status === 'paused') await deliveries.removeWorkingSets(id);
      return cancelled;
    },

    async pause(id: number, adminId: number): Promise<Campaign> {
      const c = await get(id);
      const paused = await repo.changeStatus(id, c.status, 'pause', {
        set: { pauseReason: 'manual', updatedBy: adminId },
      });
      await askRunningSend(c, 'pause', adminId);
      return paused;
    },

    /** paused → sending with an expired, ownerless lease: the next tick claims it and continues the same run. */
    async resume(id: number, adminId: number): Promise<Campaign> {
      const c = await get(id);
      return repo.changeStatus(id, c.status, 'resume', {
        set: { 'lease.expiresAt': EXPIRED, updatedBy: adminId },
        unset: ['pauseReason', 'lease.owner'],
      });
    },

    /**
     * failed → sending, resending only the failed deliveries of the last run. The campaign is first
     * held under a short lease of our own so no dispatcher starts before the deliveries are reset;
     * then the lease is expired so the next tick claims it. After a crash in between, the hold simply
     * expires and the dispatcher picks it up with whatever was reset.
     */
    async retry(id: number, adminId: number): Promise<Campaign> {
      const c = await get(id);
      const now = clock();
      const holder = `retry:${adminId}:${now.getTime()}`;
      await repo.changeStatus(id, c.status, 'retry', {
        set: {
          'lease.owner': holder,
          'lease.expiresAt': new Date(now.getTime() + RETRY_HOLD_MS),
          startedBy: adminId,
          updatedBy: adminId,
        },
        unset: ['progress', 'lastError', 'pauseReason'],
      });
      // Counted before the reset: nothing else changes failed deliveries while we hold the campaign.
      const byReason = await deliveries.failedByReason(id, c.run);
      const reset = await deliveries.resetFailed(id, c.run);
      const ref = { campaignId: id, run: c.run };
      for (const [reason, n] of Object.entries(byReason) as [FailureReason, number][]) {
        await counters.move(ref, { status: 'failed', reason }, { status: 'pending' }, n);
      }
      await repo.updateWhere(
        { _id: id, status: 'sending', 'lease.owner': holder },
        { $set: { 'lease.expiresAt': EXPIRED }, $unset: { 'lease.owner': 1 } },
      );
      logger.info({ campaignId: id, run: c.run, reset, adminId }, 'campaign retry');
      return get(id);
    },

    /** Removes a draft, scheduled or cancelled campaign (with any deliveries); archives a published or failed one. */
    async remove(id: number, adminId: number): Promise<DeleteOutcome> {
      const c = await get(id);
      const outcome = deleteOutcome(c.status);
      if (outcome === 'remove') {
        await repo.remove(id, c.status);
        await deliveries.removeForCampaign(id);
        await deliveries.removeWorkingSets(id);
        await counters.remove(
          id,
          [...new Set([...c.runs.map((r) => r.run), c.run])].filter((r) => r > 0),
        );
      } else {
        await repo.changeStatus(id, c.status, 'archive', {
          set: { archivedAt: clock(), updatedBy: adminId },
        });
      }
      logger.info({ campaignId: id, outcome, adminId }, 'campaign deleted');
      return outcome;
    },

    async archive(id: number, adminId: number): Promise<Campaign> {
      const c = await get(id);
      return repo.changeStatus(id, c.status, 'archive', { set: { archivedAt: clock(), updatedBy: adminId } });
    },

    /** A new draft with the same content, audience and settings; no schedule, not featured, not trained. */
    async duplicate(id: number, adminId: number): Promise<Campaign> {
      const c = await get(id);
      const copy = await repo.insertNew({
        name: duplicateName(c.name),
        platform: c.platform,
        type: c.type,
        status: 'draft',
        audience: c.audience,
        message: c.message,
        ...(c.templateKey ? { templateKey: c.templateKey } : {}),
        schedule: { zone: c.schedule.zone, frequency: 'none' },
        settings: c.settings,
        createdBy: adminId,
        updatedBy: adminId,
      });
      logger.info({ campaignId: copy.id, from: id, adminId }, 'campaign duplicated');
      return copy;
    },

    /** ⚡: WhatsApp campaigns only; featured ones come first in every list order. */
    async setFeatured(id: number, featured: boolean, adminId: number): Promise<Campaign> {
      const c = await get(id);
      assertFeatureAvailable('feature', c.platform);
      return repo.patch(id, { featured, updatedBy: adminId });
    },

    async setTraining(id: number, training: TrainingStatus, adminId: number): Promise<Campaign> {
      const c = await get(id);
      assertFeatureAvailable('training', c.platform);
      assertTrainingApplies(c.platform, c.audience);
      return repo.patch(id, { training, updatedBy: adminId });
    },
  };
}

export type CampaignService = ReturnType<typeof createCampaignService>;
