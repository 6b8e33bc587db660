import type { Config } from '../config.js';
import type {
  DeliveryResult,
  DispatchCampaign,
  DispatchRepository,
  RecipientSource,
  RunCounts,
  WorkItem,
} from '../db/dispatch.repository.js';
import { AWAITING_TEST, type WhatsAppRepository } from '../db/whatsapp.repository.js';
import { BROADCAST_LIST_SIZE, batchNumberFor } from '../domain/batches.js';
import type { MessageMedia, WhatsAppSettings } from '../domain/campaign.js';
import {
  fillPlaceholders,
  findPlaceholders,
  PER_RECIPIENT_PLACEHOLDERS,
  toWhatsApp,
} from '../domain/message.js';
import { type Logger, maskPhone } from '../logger.js';
import { InvalidNumberError, type SendError, WhatsAppUnavailableError } from './errors.js';
import type { SendLimiter } from './limiter.js';
import type { TelegramMessenger } from './messengers/telegram.messenger.js';
import {
  toWhatsAppSendError,
  type WaMediaFile,
  type WhatsAppContent,
  type WhatsAppMessenger,
} from './messengers/whatsapp.messenger.js';
import type { ProgressFigures } from './progress.js';
import { type LinkTracking, linkTrackingFor, trackPlainText } from './render.js';
import { LeasedRun, type StopReason } from './run-common.js';
import { type Clock, systemClock, type Translate } from './types.js';

/*
 * A WhatsApp campaign run. Same primitives and crash rule as the Telegram run (campaign-run.ts): a
 * lease on the campaign, the audience frozen into pages, one claim insert per recipient before any
 * call to WhatsApp, the outcome inserted after it; a claim without an outcome becomes `unknown`
 * after a crash and is never resent. Sending is sequential (one WhatsApp account, one browser),
 * paced to the campaign's maximum per minute, in batches of at most 256 (the seed's broadcast
 * lists) with the campaign's delay between batches. Each number is checked with getNumberId first.
 */

export type WaStopReason =
  | StopReason
  /** WhatsApp went away (disconnected, logged out, a call that never answered) */
  | 'unavailable';

/** A Telegram message to an admin, optionally with inline buttons (callback data). */
export interface AdminChannel {
  send(chatId: number, text: string, buttons?: { text: string; data: string }[][]): Promise<void>;
}

/** Paces sends: `perMinute` at most, evenly spaced, plus `batchDelayMs` before each new batch. */
export class Pacer {
  private last = Number.NEGATIVE_INFINITY;
  private lastBatch: number | undefined;
  readonly gapMs: number;

  constructor(
    perMinute: number,
    private readonly batchDelayMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.gapMs = 60_000 / Math.max(1, perMinute);
  }

  /** Milliseconds to wait before sending the item of `batch`. */
  waitFor(batch: number): number {
    const extra = this.lastBatch !== undefined && batch !== this.lastBatch ? this.batchDelayMs : 0;
    return Math.max(0, this.last + this.gapMs + extra - this.now());
  }

  sent(batch: number): void {
    this.last = this.now();
    this.lastBatch = batch;
  }
}

export interface WhatsAppRunTuning {
  controlIntervalMs: number;
  progressIntervalMs: number;
}

export interface WhatsAppRunDeps {
  repo: DispatchRepository;
  wa: WhatsAppRepository;
  source: RecipientSource;
  messenger: WhatsAppMessenger;
  /** progress messages and summaries in Telegram (optional: tests may leave it out) */
  telegram?: TelegramMessenger;
  admins: AdminChannel;
  /** downloads the campaign's media (a Telegram file) once per run */
  loadMedia(media: MessageMedia): Promise<WaMediaFile>;
  translate: Translate;
  logger: Logger;
  clock?: Clock;
  /** the pacing clock and sleep; tests pass virtual ones */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  owner: string;
  config: Pick<
    Config,
    | 'LEASE_SECONDS'
    | 'FAILURE_PAUSE_THRESHOLD'
    | 'DEFAULT_LANGUAGE'
    | 'PUBLIC_URL'
    | 'BOT_TOKEN'
    | 'CLICK_SECRET'
  >;
  tuning?: Partial<WhatsAppRunTuning>;
}

const SAVE_EVERY = 20;
/** tries of an outcome write, 1 s, 2 s, … apart, before the run gives up (about 10 s in all) */
const OUTCOME_WRITE_ATTEMPTS = 5;

/** Progress messages go to one admin at a low rate: no shared budget needed. */
const noLimits: SendLimiter = {
  tryAcquire: async () => ({ ok: true, go() {} }),
  backoff: async () => {},
  backoffRemaining: () => 0,
  stop: async () => {},
};

/** Builds the WhatsApp text for one contact: placeholders filled, then the markup converted. */
export function createWhatsAppRenderer(message: DispatchCampaign['message']): (name?: string) => string {
  const fixed: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.placeholders ?? {})) if (typeof v === 'string') fixed[k] = v;
  const base = Object.keys(fixed).length > 0 ? fillPlaceholders(message.text, fixed) : message.text;
  const personal = findPlaceholders(base).some((p) =>
    PER_RECIPIENT_PLACEHOLDERS.some((q) => q.toLowerCase() === p.toLowerCase()),
  );
  if (!personal) {
    const text = toWhatsApp(base);
    return () => text;
  }
  return (name) => {
    const values = Object.fromEntries(PER_RECIPIENT_PLACEHOLDERS.map((p) => [p, name ?? '']));
    return toWhatsApp(fillPlaceholders(base, values));
  };
}

export class WhatsAppRun extends LeasedRun<'unavailable', string> {
  readonly done: Promise<void>;
  private readonly settings: WhatsAppSettings;
  private readonly now: () => number;
  private readonly sleepFn: (ms: number) => Promise<void>;
  private streak = 0;
  private sinceSave = 0;
  private results: DeliveryResult[] = [];
  private cursor = 0;
  private content: WaMediaFile | undefined;
  private readonly render: (name?: string) => string;
  /** click tracking for this campaign's links (none without PUBLIC_URL or with tracking off) */
  private readonly tracking: LinkTracking | undefined;
  private readonly tuning: WhatsAppRunTuning;

  constructor(
    private readonly deps: WhatsAppRunDeps,
    campaign: DispatchCampaign,
  ) {
    super(
      {
        repo: deps.repo,
        translate: deps.translate,
        owner: deps.owner,
        clock: deps.clock ?? systemClock,
        log: deps.logger.child({ campaignId: campaign.id, platform: 'whatsapp' }),
        config: deps.config,
        label: 'whatsapp ',
      },
      campaign,
    );
    this.settings = campaign.settings as unknown as WhatsAppSettings;
    this.now = deps.now ?? Date.now;
    this.sleepFn = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.tuning = { controlIntervalMs: 1000, progressIntervalMs: 3000, ...deps.tuning };
    this.render = createWhatsAppRenderer(campaign.message);
    this.tracking = linkTrackingFor(deps.config, campaign);
    this.done = this.execute();
  }

  private async tellAdmin(
    key: string,
    params: Record<string, string | number> = {},
    /** i18n keys of the button labels, with their callback data */
    buttons?: { key: string; data: string }[][],
  ) {
    const id = this.adminId;
    if (id === undefined) return;
    const locale = await this.locale();
    const text = this.deps.translate(locale, key, { name: this.c.name, id: String(this.c.id), ...params });
    const translated = buttons?.map((row) =>
      row.map((b) => ({ text: this.deps.translate(locale, b.key), data: b.data })),
    );
    await this.deps.admins.send(id, text, translated).catch((err: unknown) => {
      this.log.warn({ err: String(err) }, 'could not tell the admin');
    });
  }

  private async execute(): Promise<void> {
    const heartbeat = this.startHeartbeat(this.tuning.controlIntervalMs);
    try {
      const go = await this.prepare();
      if (go && !this.stopping) await this.send();
      await this.stopHeartbeat(heartbeat);
      if (go) await this.end();
    } catch (err) {
      this.log.error({ err: String(err) }, 'whatsapp run crashed; the lease will expire and the run resume');
    } finally {
      await this.stopHeartbeat(heartbeat);
      await this.progress?.close();
    }
  }

  // ---------- preparation ----------

  /** False when the run must not send now (lease lost, waiting for the test's go-ahead). */
  private async prepare(): Promise<boolean> {
    const { wa, source } = this.deps;
    const now = this.clock();
    if (!(await this.begin(now))) return false;

    if (this.settings.sendTestFirst) {
      const test = await wa.testState(this.c.id);
      if (test.approvedRun !== this.c.run) {
        await this.sendTest(test.sentRun === this.c.run);
        return false;
      }
    }

    const media = this.c.message.media;
    if (media) {
      try {
        this.content = await this.deps.loadMedia(media);
      } catch (err) {
        this.log.warn({ err: String(err) }, 'campaign media could not be loaded');
        this.stop('unavailable', { reason: 'media_unavailable', error: String(err) });
        await this.pauseFor('media_unavailable');
        const locale = await this.locale();
        const counts = await this.deps.repo.readCounts(this.c);
        await this.tellAdmin('whatsapp-run-paused', {
          reason: this.deps.translate(locale, 'whatsapp-reason-media_unavailable'),
          sent: counts.sent,
          total: this.c.dispatch.total,
        });
        return false;
      }
    }

    const unknown = await this.expandOrResolve(source, now);
    if (unknown > 0) this.log.warn({ unknown }, 'deliveries interrupted by a crash marked unknown');
    this.cursor = this.c.dispatch.cursor;
    this.figures = this.figuresOf(await this.counts(this.takeover));
    await this.startProgress(this.deps.telegram, noLimits, this.tuning.progressIntervalMs);
    return true;
  }

  /**
   * "Send test message first": the message goes to the admin's test number, then the campaign
   * waits (paused) for the go-ahead button. Nothing is sent to the audience before that.
   */
  private async sendTest(alreadySent: boolean): Promise<void> {
    const { wa } = this.deps;
    const admin = this.adminId;
    if (!alreadySent) {
      const phone = admin === undefined ? undefined : await wa.testPhoneOf(admin);
      if (!phone) {
        await this.pauseFor('no_test_phone');
        await this.tellAdmin('whatsapp-test-no-phone');
        return;
      }
      try {
        if (this.c.message.media && !this.content)
          this.content = await this.deps.loadMedia(this.c.message.media);
        const to = await this.deps.messenger.numberId(phone);
        await this.deps.messenger.send(to, this.contentFor(undefined), {
          linkPreview: this.settings.linkPreview !== false,
        });
      } catch (raw) {
        const err = raw instanceof Error && 'reason' in raw ? (raw as SendError) : toWhatsAppSendError(raw);
        this.log.warn({ err: err.message, phone: maskPhone(phone) }, 'test message failed');
        await this.pauseFor('test_failed');
        await this.tellAdmin('whatsapp-test-failed', {
          reason: this.deps.translate(await this.locale(), `dispatch-reason-${err.reason}`),
        });
        return;
      }
      await wa.markTestSent(this.c.id, this.c.run);
      this.log.info(
        { run: this.c.run, phone: maskPhone(phone) },
        'test message sent; waiting for the go-ahead',
      );
      const paused = await this.pauseFor(AWAITING_TEST);
      if (paused) {
        await this.tellAdmin('whatsapp-test-sent', { phone: maskPhone(phone) }, [
          [{ key: 'whatsapp-btn-go', data: `wa:go:${this.c.id}:${this.c.run}` }],
        ]);
      }
      return;
    }
    // The test went out before a restart and the go-ahead has not come: wait for it again.
    await this.pauseFor(AWAITING_TEST);
  }

  private async pauseFor(reason: string): Promise<boolean> {
    return this.serial(() => this.deps.repo.autoPause(this.c, this.lease, reason));
  }

  /** The message for one contact; links tracked per recipient (the admin's test copy is not tracked). */
  private contentFor(name: string | undefined, recipient?: string): WhatsAppContent {
    const plain = this.render(name);
    const text =
      recipient === undefined ? plain : trackPlainText(plain, this.tracking, { run: this.c.run, recipient });
    return { text, ...(this.content ? { media: this.content } : {}) };
  }

  // ---------- sending ----------

  private async send(): Promise<void> {
    const { repo } = this.deps;
    const { total } = this.c.dispatch;
    const pacer = new Pacer(
      this.settings.maxPerMinute || 50,
      Math.max(0, this.settings.batchDelaySeconds ?? 2) * 1000,
      this.now,
    );
    const first = Math.floor(this.cursor / repo.pageSize);
    const last = Math.ceil(total / repo.pageSize);
    for (let page = first; page < last && !this.stopping; page++) {
      const items = (await repo.readPage(this.c.id, this.c.run, page)).filter((i) => i.seq >= this.cursor);
      await this.process(items, pacer);
    }
    await this.save(true);
    // Retry (the campaign service set failed deliveries back to pending): resent in a new pass.
    if (this.stopping || !(await repo.hasPendingDeliveries(this.c.id, this.c.run))) return;
    const pass = await this.serial(() => repo.nextPass(this.c.id, this.lease));
    if (pass === null) {
      this.stop('lease_lost');
      return;
    }
    this.log.info({ run: this.c.run, pass }, 'whatsapp retry pass');
    for (let page = 0; page < last && !this.stopping; page++) {
      await this.process(await repo.pendingDeliveries(this.c.id, this.c.run, page, pass), pacer);
    }
    if (!this.stopping) {
      await this.process(await repo.pendingDeliveries(this.c.id, this.c.run, undefined, pass), pacer);
    }
    await this.save(true);
  }

  /** Sends items one after the other, paced; claims each right before its calls. */
  private async process(items: readonly WorkItem[], pacer: Pacer): Promise<void> {
    const size = this.settings.splitIntoLists === false ? Number.MAX_SAFE_INTEGER : BROADCAST_LIST_SIZE;
    for (const item of items) {
      if (this.stopping) return;
      const batch = size === Number.MAX_SAFE_INTEGER ? 1 : batchNumberFor(item.seq, size);
      const wait = pacer.waitFor(batch);
      if (wait > 0 && !(await this.pause(wait))) return;
      const [mine] = await this.deps.repo.claim(this.c.id, this.c.run, [item], this.deps.owner, this.clock());
      if (mine) {
        const result = await this.sendOne(item, batch, this.clock(), () => pacer.sent(batch));
        // Nothing attempted (WhatsApp went away before the call): the contact stays pending.
        if (!result) return;
        await this.write(result);
      }
      if (item.pass === 0) this.cursor = item.seq + 1;
    }
  }

  /** One contact: getNumberId, then the message. Null when nothing was attempted (claim given back). */
  private async sendOne(
    item: WorkItem,
    batch: number,
    sendingAt: Date,
    paced: () => void,
  ): Promise<DeliveryResult | null> {
    const { messenger, wa, repo } = this.deps;
    const phone = item.phone ?? '';
    const result = (
      status: DeliveryResult['status'],
      extra: Partial<DeliveryResult> = {},
    ): DeliveryResult => ({
      item,
      status,
      attempts: 1,
      chatId: 0,
      owner: this.deps.owner,
      sendingAt,
      at: this.clock(),
      batch,
      ...extra,
    });
    let to: string;
    try {
      to = await messenger.numberId(phone);
    } catch (raw) {
      const err = raw as SendError;
      if (err instanceof InvalidNumberError) {
        await wa.markInvalid([phone]).catch(() => undefined);
        this.log.info({ phone: maskPhone(phone) }, 'not on WhatsApp');
        return result('failed', { reason: 'invalid_number', error: err.message });
      }
      // Nothing was sent: the claim is given back and the contact stays pending for the resume.
      await repo.releaseClaims(this.c.id, this.c.run, [item]).catch(() => undefined);
      this.stop('unavailable', {
        reason: err instanceof WhatsAppUnavailableError ? `whatsapp_${err.cause_}` : 'whatsapp_error',
        error: err.message,
      });
      return null;
    }
    paced();
    try {
      const { messageId } = await messenger.send(to, this.contentFor(item.name, item.recipient), {
        linkPreview: this.settings.linkPreview !== false,
      });
      this.streak = 0;
      return result('sent', { messageId });
    } catch (raw) {
      const err = raw as SendError;
      if (err instanceof WhatsAppUnavailableError) {
        // The call may have reached WhatsApp: at most once, so its outcome is unknown.
        this.stop('unavailable', { reason: `whatsapp_${err.cause_}`, error: err.message });
        return result('unknown', { error: err.message });
      }
      this.streak++;
      if (this.streak >= this.deps.config.FAILURE_PAUSE_THRESHOLD) {
        this.stop('auto_paused', { reason: err.reason, count: this.streak });
      }
      return result('failed', { reason: err.reason, error: err.message });
    }
  }

  /**
   * Each outcome is written right after its call (WhatsApp sends are seconds apart), so after a
   * crash only the message in flight becomes `unknown`.
   */
  private async write(r: DeliveryResult): Promise<void> {
    this.results.push(r);
    await this.flush();
    if (this.sinceSave >= SAVE_EVERY) await this.save(false);
  }

  private async flush(): Promise<void> {
    if (this.results.length === 0) return;
    const batch = this.results;
    this.results = [];
    // A short outage of MongoDB or Redis (the reply links) is waited out: giving up here ends the
    // run, and the message just sent would be resolved as unknown.
    let written: DeliveryResult[];
    for (let attempt = 1; ; attempt++) {
      try {
        written = await this.deps.repo.recordResults(this.c.id, this.c.run, batch);
        break;
      } catch (err) {
        if (attempt >= OUTCOME_WRITE_ATTEMPTS) throw err;
        this.log.warn({ err: String(err), attempt }, 'could not write the outcome; trying again');
        await this.sleepFn(1000 * attempt);
      }
    }
    for (const w of written) this.figures[w.status]++;
    this.sinceSave += batch.length;
    this.progress?.update(this.figures);
  }

  /** The cursor, after the outcomes below it are written (and counted). */
  private async save(final: boolean): Promise<void> {
    await this.flush();
    this.sinceSave = 0;
    const cursor = this.cursor;
    const ours = await this.serial(() => this.deps.repo.saveCursor(this.c.id, this.lease, cursor));
    if (!ours && !final) this.stop('lease_lost');
  }

  private async pause(ms: number): Promise<boolean> {
    if (this.stopping) return false;
    const r = await this.untilStopped(this.sleepFn(ms).then(() => 'slept' as const));
    return r === 'slept' && !this.stopping;
  }

  // ---------- the end ----------

  protected override async endOther(
    reason: 'fatal' | 'unavailable',
    counts: RunCounts,
    figures: ProgressFigures,
  ): Promise<void> {
    if (reason === 'fatal') {
      await this.finishByCounts(counts, figures, true);
      return;
    }
    const why = String(this.stopDetail.reason ?? 'whatsapp_unavailable');
    await this.pauseFor(why);
    await this.progress?.finish(figures, { kind: 'paused' });
    const locale = await this.locale();
    await this.tellAdmin('whatsapp-run-paused', {
      reason: this.deps.translate(locale, `whatsapp-reason-${why.replace(/^whatsapp_/, '')}`),
      sent: figures.sent,
      total: figures.total,
    });
  }
}
