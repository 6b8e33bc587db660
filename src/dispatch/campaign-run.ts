import type { Config } from '../config.js';
import type {
  DeliveryResult,
  DispatchCampaign,
  DispatchRepository,
  LeaseToken,
  RecipientSource,
  RunCounts,
  WorkItem,
} from '../db/dispatch.repository.js';
import type { FailureReason } from '../domain/analytics.js';
import type { TelegramSettings } from '../domain/campaign.js';
import { nextOccurrence } from '../domain/schedule.js';
import type { Logger } from '../logger.js';
import {
  ChatMigratedError,
  FatalSendError,
  isRecipientFailure,
  RateLimitedError,
  type SendError,
  TransientSendError,
  toSendError,
} from './errors.js';
import type { SendLimiter } from './limiter.js';
import type { TelegramMessenger, TelegramSendOptions } from './messengers/telegram.messenger.js';
import type { DispatchMetrics } from './metrics.js';
import {
  createProgressReporter,
  type ProgressFigures,
  type ProgressReporter,
  type RunEnd,
} from './progress.js';
import { createRenderer, linkTrackingFor } from './render.js';
import { type Clock, sleep, type Translate } from './types.js';

/*
 * Crash rule (at most once). Before its platform call every recipient is claimed: an insert into
 * dispatch_claims, unique per (campaign, run, pass, recipient), carrying the dispatcher and the time
 * (this is the delivery's `sending` state). The outcome is written afterwards (a delivery document:
 * sent with its message id, or failed with a reason). When a run is taken over after a crash, every
 * claim without an outcome becomes an `unknown` delivery: the call may or may not have reached
 * Telegram, so it is never repeated. Unknown deliveries are counted in the campaign's counters and
 * named in the summary. Their number is bounded by what was in flight: about two claim batches
 * (a fifth of a second of sending each, at most 10), the HTTP calls under way and the results not yet flushed (≤ 250 ms).
 * A run that stops normally (pause, cancel, shutdown) waits for its calls to finish and gives back
 * the claims of calls it never started, so those recipients stay pending.
 */

export type StopReason = 'paused' | 'cancelled' | 'lease_lost' | 'shutdown' | 'auto_paused' | 'fatal';

export interface RunTuning {
  controlIntervalMs: number;
  retryBaseMs: number;
  progressIntervalMs: number;
}

export interface RunDeps {
  repo: DispatchRepository;
  source: RecipientSource;
  messenger: TelegramMessenger;
  limiter: SendLimiter;
  translate: Translate;
  logger: Logger;
  metrics: DispatchMetrics;
  clock: Clock;
  owner: string;
  config: Pick<
    Config,
    | 'LEASE_SECONDS'
    | 'SEND_MAX_ATTEMPTS'
    | 'FAILURE_PAUSE_THRESHOLD'
    | 'TELEGRAM_GLOBAL_RATE'
    | 'TELEGRAM_PAID_RATE'
    | 'DEFAULT_LANGUAGE'
    | 'PUBLIC_URL'
    | 'BOT_TOKEN'
    | 'CLICK_SECRET'
  >;
  tuning: RunTuning;
}

/** 429s in a row for one recipient before it is given up as rate_limited (the limiter should prevent them). */
const MAX_RATE_LIMITED = 20;
const SAVE_PROGRESS_MS = 2000;
const RETRY_PAGE = 200;

const STOPPED = Symbol('stopped');

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Positions of the first pass, so the saved cursor never passes a recipient without an outcome. */
class Frontier {
  private readonly open: number[] = [];
  private readonly done = new Set<number>();
  private head = 0;
  constructor(private next: number) {}

  claimed(seq: number): void {
    this.open.push(seq);
    this.next = seq + 1;
  }

  finished(seq: number): void {
    this.done.add(seq);
    while (this.head < this.open.length && this.done.has(this.open[this.head] as number)) {
      this.done.delete(this.open[this.head] as number);
      this.head++;
    }
    if (this.head > 1024) {
      this.open.splice(0, this.head);
      this.head = 0;
    }
  }

  get cursor(): number {
    return this.head < this.open.length ? (this.open[this.head] as number) : this.next;
  }
}

export class CampaignRun {
  readonly done: Promise<void>;
  private c: DispatchCampaign;
  private stopReason: StopReason | undefined;
  private stopDetail: { reason?: FailureReason; count?: number; error?: string } = {};
  private resolveStopped!: () => void;
  private readonly stopped = new Promise<typeof STOPPED>((resolve) => {
    this.resolveStopped = () => resolve(STOPPED);
  });
  private readonly tasks = new Set<Promise<void>>();
  private readonly released: WorkItem[] = [];
  private results: DeliveryResult[] = [];
  private readonly claimedAt = new Map<string, Date>();
  private frontier: Frontier | undefined;
  private figures: ProgressFigures = { total: 0, sent: 0, failed: 0, unknown: 0 };
  private unsaved = { sent: 0, failed: 0, unknown: 0 };
  private lastSaveAt = 0;
  private flushing: Promise<void> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushErrors = 0;
  private streak = 0;
  private controlling: Promise<void> | undefined;
  private progress: ProgressReporter | undefined;
  private readonly log: Logger;
  private readonly lease: LeaseToken;
  private writes: Promise<unknown> = Promise.resolve();
  private lastRenewAt = Date.now();
  private readonly rate: number;
  private readonly claimBatch: number;
  private readonly maxInFlight: number;
  private readonly flushIntervalMs: number;
  private readonly sendOptions: TelegramSendOptions;
  private readonly settings: TelegramSettings;
  private render: ReturnType<typeof createRenderer>;

  constructor(
    private readonly deps: RunDeps,
    campaign: DispatchCampaign,
  ) {
    this.c = campaign;
    this.lease = { owner: deps.owner, epoch: campaign.lease?.epoch ?? 0 };
    this.log = deps.logger.child({ campaignId: campaign.id });
    this.settings = campaign.settings;
    this.rate = this.settings.paidBroadcast
      ? deps.config.TELEGRAM_PAID_RATE
      : deps.config.TELEGRAM_GLOBAL_RATE;
    this.claimBatch = clamp(Math.ceil(this.rate / 5), 2, 10);
    this.maxInFlight = clamp(Math.ceil(this.rate / 2) + 4, 8, 256);
    this.flushIntervalMs = clamp(10_000 / this.rate, 25, 250);
    this.sendOptions = {
      disableLinkPreview: !!this.settings.disableLinkPreview,
      disableNotification: !!this.settings.disableNotification,
      inlineKeyboard: !!this.settings.inlineKeyboard,
      paidBroadcast: !!this.settings.paidBroadcast,
    };
    this.render = createRenderer(campaign.message, linkTrackingFor(deps.config, campaign));
    this.done = this.execute();
  }

  get campaignId(): number {
    return this.c.id;
  }

  /** Stops taking new recipients; calls under way finish, the rest stays pending. */
  stop(reason: StopReason, detail: CampaignRun['stopDetail'] = {}): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.stopDetail = detail;
    this.log.info({ reason, ...detail }, 'run stopping');
    this.resolveStopped();
  }

  /**
   * Writes to the campaign document one at a time: on FerretDB an update reads, changes and writes
   * back the whole document, so two concurrent ones (a lease renewal and the end of the run, say)
   * can undo each other.
   */
  /**
   * Counts the run's deliveries and stores them as the counters. The count runs outside the write
   * queue and the lease is renewed while it runs: on FerretDB it scans the whole collection (17 s
   * over 100,000 deliveries, more under load), longer than a lease, and a renewal queued behind it
   * let another claim take the run over and count again, round after round.
   */
  private async reconcile(): Promise<RunCounts> {
    const { repo, clock, config } = this.deps;
    const leaseMs = config.LEASE_SECONDS * 1000;
    const keepAlive = setInterval(() => {
      void this.serial(() => repo.renewLease(this.c.id, this.lease, clock(), leaseMs)).catch(() => undefined);
    }, leaseMs / 3);
    try {
      const counts = await repo.countRun(this.c);
      await this.serial(() => repo.saveCounters(this.c, this.lease, counts));
      return counts;
    } finally {
      clearInterval(keepAlive);
    }
  }

  private serial<T>(write: () => Promise<T>): Promise<T> {
    const next = this.writes.then(write, write);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private get stopping(): boolean {
    return this.stopReason !== undefined;
  }

  private async execute(): Promise<void> {
    const { tuning, metrics } = this.deps;
    metrics.activeRuns.inc();
    const heartbeat = setInterval(() => {
      this.controlling ??= this.control().finally(() => {
        this.controlling = undefined;
      });
    }, tuning.controlIntervalMs);
    try {
      await this.prepare();
      if (!this.stopping) await this.firstPass();
      if (!this.stopping) await this.retryPass();
      await this.drain();
      clearInterval(heartbeat);
      await this.controlling;
      await this.end();
    } catch (err) {
      this.log.error(
        { err: String(err) },
        'run crashed; the lease will expire and another attempt will resume it',
      );
      this.stop('lease_lost');
      await this.drain().catch(() => {});
    } finally {
      clearInterval(heartbeat);
      await this.controlling;
      await this.progress?.close();
      if (this.flushTimer) clearTimeout(this.flushTimer);
      metrics.activeRuns.inc({}, -1);
      metrics.queueDepth.set(0, { campaign: String(this.c.id) });
    }
  }

  // ---------- preparation ----------

  private async prepare(): Promise<void> {
    const { repo, clock, source } = this.deps;
    const now = clock();
    if (await this.isNewRun()) {
      const started = await this.serial(() => repo.startRun(this.c, this.lease, now));
      if (!started) {
        this.stop('lease_lost');
        return;
      }
      this.c = started;
      this.log.info({ run: this.c.run }, 'run started');
    } else {
      await this.serial(() => repo.continueRun(this.c, this.lease, now));
      this.log.info({ run: this.c.run, cursor: this.c.dispatch.cursor }, 'run continued');
    }
    const media = this.c.message.media;
    if (media && !media.fileId) {
      // Telegram needs the file_id the bot got when the admin uploaded it; nothing can be sent.
      this.stop('fatal', { error: 'media_without_file_id' });
      return;
    }
    if (this.c.dispatch.expandedRun !== this.c.run) {
      const total = await repo.expand(this.c, source);
      await this.serial(() => repo.markExpanded(this.c, this.lease, total));
      this.c.dispatch = { ...this.c.dispatch, expandedRun: this.c.run, total, cursor: 0 };
      this.log.info({ run: this.c.run, total }, 'audience expanded');
    } else {
      const unknown = await repo.resolveInterrupted(this.c, now);
      if (unknown > 0) {
        this.deps.metrics.unknown.inc({}, unknown);
        this.log.warn({ run: this.c.run, unknown }, 'deliveries interrupted by a crash marked unknown');
      }
    }
    const counts = await this.reconcile();
    this.figures = {
      total: this.c.dispatch.total,
      sent: counts.sent,
      failed: counts.failed,
      unknown: counts.unknown,
    };
    await this.startProgress();
  }

  /**
   * A claim starts run n+1 unless the current run still has work: a first pass not finished, or
   * deliveries set back to pending (retry). Resume, retry and takeover all continue the current run;
   * `dispatch.runFor` tells a new schedule instant (send now, the next recurrence) from the one the
   * run already serves.
   */
  private async isNewRun(): Promise<boolean> {
    const c = this.c;
    if (c.run === 0) return true;
    const at = c.schedule.at?.getTime();
    if (at === undefined || at === c.dispatch.runFor?.getTime()) return false;
    const openWork =
      c.dispatch.expandedRun !== c.run ||
      c.dispatch.cursor < c.dispatch.total ||
      (await this.deps.repo.hasPendingDeliveries(c.id, c.run));
    return !openWork;
  }

  private async startProgress(): Promise<void> {
    const { repo, messenger, limiter, translate, config, tuning } = this.deps;
    const chatId = this.c.startedBy ?? this.c.createdBy;
    if (chatId === undefined) return;
    const locale = (await repo.adminLanguage(chatId).catch(() => undefined)) ?? config.DEFAULT_LANGUAGE;
    const existing = this.c.progress?.chatId === chatId ? this.c.progress.messageId : undefined;
    this.progress = createProgressReporter({
      messenger,
      limiter,
      translate,
      logger: this.log,
      locale,
      chatId,
      campaign: { id: this.c.id, name: this.c.name },
      ...(existing !== undefined ? { existingMessageId: existing } : {}),
      onMessage: (messageId) =>
        this.serial(() => repo.setProgressMessage(this.c.id, this.lease, chatId, messageId)),
      intervalMs: tuning.progressIntervalMs,
    });
    await this.progress.start(this.figures);
  }

  // ---------- walking the audience ----------

  private async firstPass(): Promise<void> {
    const { repo } = this.deps;
    const { total, cursor } = this.c.dispatch;
    this.frontier = new Frontier(cursor);
    const run = this.c.run;
    const pages = async function* (self: CampaignRun) {
      const first = Math.floor(cursor / repo.pageSize);
      const last = Math.ceil(total / repo.pageSize);
      // The next page is read while this one is sent, so a page boundary costs no pause.
      let next = first < last ? repo.readPage(self.c.id, run, first) : undefined;
      for (let page = first; next; page++) {
        const items = await next;
        next = page + 1 < last && !self.stopping ? repo.readPage(self.c.id, run, page + 1) : undefined;
        yield items.filter((i) => i.seq >= cursor);
      }
    };
    await this.process(pages(this));
  }

  private async retryPass(): Promise<void> {
    const { repo } = this.deps;
    if (!(await repo.hasPendingDeliveries(this.c.id, this.c.run))) return;
    const pass = await this.serial(() => repo.nextPass(this.c.id, this.lease));
    if (pass === null) {
      this.stop('lease_lost');
      return;
    }
    this.frontier = undefined;
    this.log.info({ run: this.c.run, pass }, 'retry pass');
    const pages = async function* (self: CampaignRun) {
      let after = -1;
      while (!self.stopping) {
        const items = await repo.pendingDeliveries(self.c.id, self.c.run, after, RETRY_PAGE, pass);
        if (items.length === 0) return;
        after = (items.at(-1) as WorkItem).seq;
        yield items;
      }
    };
    await this.process(pages(this));
  }

  /** Claims in small batches just ahead of sending (the next batch while this one is paced out). */
  private async process(source: AsyncIterable<readonly WorkItem[]>): Promise<void> {
    const size = this.claimBatch;
    const batches = async function* () {
      let pending: WorkItem[] = [];
      for await (const items of source) {
        for (const item of items) {
          pending.push(item);
          if (pending.length === size) {
            yield pending;
            pending = [];
          }
        }
      }
      if (pending.length > 0) yield pending;
    };
    const it = batches();
    const take = async () => {
      const r = await it.next();
      return r.done ? undefined : this.claim(r.value);
    };
    let next = take();
    for (;;) {
      const mine = await next;
      if (mine === undefined) return;
      next = this.stopping ? Promise.resolve(undefined) : take();
      for (const item of mine) await this.pump(item);
    }
  }

  private async claim(batch: WorkItem[]): Promise<WorkItem[]> {
    const { repo, owner, clock } = this.deps;
    const now = clock();
    const mine = await repo.claim(this.c.id, this.c.run, batch, owner, now);
    const ours = new Set(mine.map((i) => i.recipient));
    for (const item of batch) {
      if (item.pass !== 0 || !this.frontier) continue;
      this.frontier.claimed(item.seq);
      // Claimed before (an earlier segment resolved it, or someone else has it): not ours to wait for.
      if (!ours.has(item.recipient)) this.frontier.finished(item.seq);
    }
    for (const item of mine) this.claimedAt.set(item.recipient, now);
    return mine;
  }

  /** Takes the item's global slot in order, then hands it to a task. A 429 back-off holds everyone. */
  private async pump(item: WorkItem): Promise<void> {
    const paid = this.sendOptions.paidBroadcast;
    for (;;) {
      if (this.stopping) return this.release(item);
      const r = await this.raceStop(
        this.deps.limiter.tryAcquire({ chatId: item.chatId, kind: item.kind }, { paid }),
      );
      if (r === STOPPED) return this.release(item);
      if (r.ok) return this.launch(item, true);
      if (r.reason === 'chat') return this.launch(item, false);
      if (!(await this.pause(r.waitMs))) return this.release(item);
    }
  }

  private async launch(item: WorkItem, haveSlot: boolean): Promise<void> {
    while (this.tasks.size >= this.maxInFlight) await Promise.race(this.tasks);
    const task: Promise<void> = this.send(item, haveSlot)
      .catch((err: unknown) => {
        this.log.error({ err: String(err), recipient: item.recipient }, 'send task failed unexpectedly');
        this.complete(this.result(item, item.chatId, 1, 'unknown'));
      })
      .finally(() => this.tasks.delete(task));
    this.tasks.add(task);
  }

  private release(item: WorkItem): void {
    this.released.push(item);
    this.claimedAt.delete(item.recipient);
  }

  // ---------- one recipient ----------

  private async send(item: WorkItem, haveSlot: boolean): Promise<void> {
    const { messenger, limiter, metrics, repo, config, tuning } = this.deps;
    let chatId = item.chatId;
    let slot = haveSlot;
    let attempts = 0;
    let limited = 0;
    let migrated = false;
    for (;;) {
      if (!slot && !(await this.acquire(chatId, item))) return this.release(item);
      slot = false;
      attempts++;
      const started = performance.now();
      try {
        const { messageId } = await messenger.send(
          chatId,
          this.render(item.name, { run: this.c.run, recipient: item.recipient }),
          this.sendOptions,
        );
        metrics.latency.observe((performance.now() - started) / 1000);
        if (this.settings.pin && item.canPin !== false) await this.pin(chatId, messageId);
        this.complete(this.result(item, chatId, attempts, 'sent', { messageId }));
        return;
      } catch (raw) {
        metrics.latency.observe((performance.now() - started) / 1000);
        const err: SendError = toSendError(raw);
        if (err instanceof RateLimitedError) {
          metrics.rateLimited.inc();
          attempts--;
          await limiter.backoff(err.retryAfter);
          if (++limited <= MAX_RATE_LIMITED) continue;
        } else if (err instanceof ChatMigratedError && !migrated) {
          // The message was refused, so sending it to the supergroup is the first delivery, not a repeat.
          await repo.migrateChat(chatId, err.newChatId);
          this.log.info({ from: chatId, to: err.newChatId }, 'chat migrated; following it');
          chatId = err.newChatId;
          migrated = true;
          attempts--;
          continue;
        } else if (err instanceof TransientSendError && attempts < config.SEND_MAX_ATTEMPTS) {
          const delay =
            Math.min(30_000, tuning.retryBaseMs * 2 ** (attempts - 1)) * (0.75 + Math.random() / 2);
          if (!(await this.pause(delay))) return this.release(item);
          continue;
        } else if (err instanceof FatalSendError) {
          this.stop('fatal', { error: err.message });
        }
        this.complete(
          this.result(item, chatId, attempts, 'failed', { reason: err.reason, error: err.message }),
        );
        return;
      }
    }
  }

  private async acquire(chatId: number, item: WorkItem): Promise<boolean> {
    for (;;) {
      if (this.stopping) return false;
      const r = await this.raceStop(
        this.deps.limiter.tryAcquire({ chatId, kind: item.kind }, { paid: this.sendOptions.paidBroadcast }),
      );
      if (r === STOPPED) return false;
      if (r.ok) return true;
      if (!(await this.pause(r.waitMs))) return false;
    }
  }

  /** Pins are best effort: a failure is logged and the delivery stays sent. */
  private async pin(chatId: number, messageId: number): Promise<void> {
    try {
      const r = await this.deps.limiter.tryAcquire(null, {
        paid: this.sendOptions.paidBroadcast,
        perChat: false,
      });
      if (!r.ok) await sleep(r.waitMs);
      await this.deps.messenger.pin(chatId, messageId, {
        disableNotification: this.sendOptions.disableNotification,
      });
    } catch (err) {
      this.log.debug({ err: String(err), chatId }, 'pin failed');
    }
  }

  private result(
    item: WorkItem,
    chatId: number,
    attempts: number,
    status: DeliveryResult['status'],
    extra: { messageId?: number; reason?: FailureReason; error?: string } = {},
  ): DeliveryResult {
    const now = this.deps.clock();
    return {
      item,
      status,
      attempts,
      chatId,
      owner: this.deps.owner,
      sendingAt: this.claimedAt.get(item.recipient) ?? now,
      at: now,
      ...extra,
    };
  }

  private complete(r: DeliveryResult): void {
    this.claimedAt.delete(r.item.recipient);
    const { metrics, config } = this.deps;
    if (r.status === 'sent') {
      metrics.sent.inc();
      this.streak = 0;
    } else if (r.status === 'failed') {
      const reason = r.reason ?? 'unknown';
      metrics.failed.inc({ reason });
      if (!isRecipientFailure(reason)) {
        this.streak++;
        if (this.streak >= config.FAILURE_PAUSE_THRESHOLD)
          this.stop('auto_paused', { reason, count: this.streak });
      }
    } else metrics.unknown.inc();
    this.results.push(r);
    if (this.results.length >= 100) void this.flush();
    else if (!this.flushTimer && !this.flushing) {
      this.flushTimer = setTimeout(() => void this.flush(), this.flushIntervalMs);
    }
  }

  // ---------- writing outcomes ----------

  private flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (this.flushing) return this.flushing;
    this.flushing = this.write().finally(() => {
      this.flushing = undefined;
      if (this.results.length > 0 && !this.flushTimer) {
        this.flushTimer = setTimeout(
          () => void this.flush(),
          this.flushErrors > 0 ? 1000 : this.flushIntervalMs,
        );
      }
    });
    return this.flushing;
  }

  private async write(force = false): Promise<void> {
    const { repo } = this.deps;
    const batch = this.results;
    this.results = [];
    try {
      if (batch.length > 0) {
        const written = await repo.recordResults(this.c.id, this.c.run, batch);
        const blockedUsers: number[] = [];
        const chats: { chatId: number; reason: string }[] = [];
        for (const r of written) {
          this.unsaved[r.status]++;
          this.figures[r.status]++;
          if (r.status === 'failed' && r.reason && isRecipientFailure(r.reason)) {
            if (r.item.kind === 'private') blockedUsers.push(r.chatId);
            else chats.push({ chatId: r.chatId, reason: r.reason });
          }
        }
        if (this.frontier) for (const r of batch) if (r.item.pass === 0) this.frontier.finished(r.item.seq);
        if (blockedUsers.length > 0 || chats.length > 0) await repo.markUnreachable(blockedUsers, chats);
      }
      const now = Date.now();
      if (force || now - this.lastSaveAt >= SAVE_PROGRESS_MS) {
        const inc = this.unsaved;
        this.unsaved = { sent: 0, failed: 0, unknown: 0 };
        this.lastSaveAt = now;
        const ours = await this.serial(() =>
          repo.saveProgress(this.c.id, this.lease, inc, this.frontier?.cursor),
        );
        if (!ours) this.stop('lease_lost');
      }
      this.flushErrors = 0;
      this.progress?.update(this.figures);
    } catch (err) {
      this.flushErrors++;
      this.results = [...batch, ...this.results];
      this.log.warn(
        { err: String(err), pending: this.results.length },
        'could not write outcomes; will retry',
      );
    }
  }

  /** Waits for every task, then writes every outcome (retrying a failing database a few times). */
  private async drain(): Promise<void> {
    while (this.tasks.size > 0) await Promise.race(this.tasks);
    for (let i = 0; i < 10; i++) {
      if (this.flushing) await this.flushing;
      await this.write(true);
      if (this.results.length === 0 && this.flushErrors === 0) break;
      await sleep(500 * (i + 1));
    }
    if (this.released.length > 0) {
      await this.deps.repo.releaseClaims(this.c.id, this.c.run, this.released).catch((err: unknown) => {
        this.log.warn({ err: String(err) }, 'could not release claims; they will count as unknown');
      });
      this.released.length = 0;
    }
  }

  // ---------- control ----------

  /**
   * About once a second: a read that notices pause, cancel or a lost lease. The lease itself is
   * renewed (a write) only every third of its length, so that our writes rarely meet the campaign
   * service's on FerretDB, whose updates are not atomic (a concurrent write-back can undo another).
   */
  private async control(): Promise<void> {
    const { repo, clock, config, metrics } = this.deps;
    const leaseMs = config.LEASE_SECONDS * 1000;
    try {
      const seen = await repo.readControl(this.c.id);
      if (!seen || seen.epoch !== this.lease.epoch) this.stop('lease_lost');
      else if (seen.status === 'cancelled') this.stop('cancelled');
      else if (seen.status !== 'sending') this.stop('paused');
      else if (Date.now() - this.lastRenewAt >= leaseMs / 3) {
        const status = await this.serial(() => repo.renewLease(this.c.id, this.lease, clock(), leaseMs));
        if (status === null) this.stop('lease_lost');
        else this.lastRenewAt = Date.now();
      }
    } catch (err) {
      this.log.warn({ err: String(err) }, 'lease check failed');
      if (Date.now() - this.lastRenewAt > leaseMs * 0.8) this.stop('lease_lost');
    }
    const f = this.figures;
    metrics.queueDepth.set(Math.max(0, f.total - f.sent - f.failed - f.unknown), {
      campaign: String(this.c.id),
    });
    this.progress?.update(this.figures);
  }

  private raceStop<T>(p: Promise<T>): Promise<T | typeof STOPPED> {
    p.catch((err: unknown) => this.log.warn({ err: String(err) }, 'limiter call failed'));
    return Promise.race([p, this.stopped]);
  }

  /** Sleeps unless the run stops first; false when it stopped. */
  private async pause(ms: number): Promise<boolean> {
    if (this.stopping) return false;
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      new Promise<'slept'>((resolve) => {
        timer = setTimeout(() => resolve('slept'), Math.max(0, ms));
      }),
      this.stopped,
    ]);
    clearTimeout(timer);
    return r === 'slept';
  }

  // ---------- the end ----------

  private async end(): Promise<void> {
    const { repo, clock, metrics } = this.deps;
    const reason = this.stopReason;
    if (reason === 'lease_lost') {
      this.log.warn('lease lost: another dispatcher owns this campaign now');
      return;
    }
    const unwritten = this.results.length > 0 || this.flushErrors > 0;
    if (reason === 'shutdown' || unwritten) {
      await this.serial(() => repo.releaseLease(this.c.id, this.lease));
      return;
    }
    const counts = await this.reconcile();
    const figures: ProgressFigures = {
      total: this.c.dispatch.total,
      sent: counts.sent,
      failed: counts.failed,
      unknown: counts.unknown,
    };
    const now = clock();
    switch (reason) {
      case 'paused':
        await this.serial(() => repo.releaseLease(this.c.id, this.lease));
        await this.progress?.finish(figures, { kind: 'paused' });
        return;
      case 'cancelled':
        await this.serial(() => repo.closeCancelled(this.c, this.lease, counts, now));
        await repo.cleanupRun(this.c.id, this.c.run);
        metrics.runs.inc({ outcome: 'cancelled' });
        await this.progress?.finish(figures, { kind: 'cancelled' });
        return;
      case 'auto_paused': {
        const why = this.stopDetail.reason ?? 'unknown';
        await this.serial(() => repo.autoPause(this.c, this.lease, `consecutive_failures:${why}`));
        await this.progress?.finish(figures, {
          kind: 'auto_paused',
          reason: why,
          count: this.stopDetail.count ?? 0,
        });
        return;
      }
      case 'fatal':
        await this.finish(counts, figures, 'failed', this.stopDetail.error ?? 'fatal');
        return;
      case undefined: {
        const outcome = counts.sent + counts.unknown > 0 ? 'published' : 'failed';
        await this.finish(
          counts,
          figures,
          outcome,
          outcome === 'failed' && figures.total === 0 ? 'empty_audience' : undefined,
        );
        return;
      }
    }
  }

  private async finish(
    counts: RunCounts,
    figures: ProgressFigures,
    outcome: 'published' | 'failed',
    lastError: string | undefined,
  ): Promise<void> {
    const { repo, clock, metrics } = this.deps;
    const now = clock();
    const complete = this.stopReason === undefined;
    const next = complete ? this.nextRun(now) : null;
    const action = next ? 'recur' : outcome === 'published' ? 'complete' : 'fail';
    const ok = await this.serial(() =>
      repo.finishRun(this.c, this.lease, {
        action,
        outcome,
        counts,
        now,
        ...(next ? { next } : {}),
        ...(lastError ? { lastError } : {}),
      }),
    );
    if (!ok) {
      // Changed under us at the last moment (cancelled, say): leave the status to whoever changed it.
      await this.serial(() => repo.releaseLease(this.c.id, this.lease));
      return;
    }
    if (complete) await repo.cleanupRun(this.c.id, this.c.run);
    metrics.runs.inc({ outcome });
    this.log.info({ run: this.c.run, outcome, ...counts, next }, 'run finished');
    await this.progress?.finish(figures, {
      kind: outcome,
      reasons: counts.reasons,
      ...(next ? { next, zone: this.c.schedule.zone } : {}),
    } as RunEnd);
  }

  /** The next occurrence of a recurring campaign after now (missed ones are skipped), or null. */
  private nextRun(now: Date): Date | null {
    const s = this.c.schedule;
    if (!s.frequency || s.frequency === 'none' || !s.localDate || !s.localTime) return null;
    try {
      return nextOccurrence(
        {
          frequency: s.frequency,
          ...(s.cron ? { cron: s.cron } : {}),
          ...(s.endDate ? { endDate: s.endDate } : {}),
        },
        now,
        s.zone || 'UTC',
        { date: s.localDate, time: s.localTime },
      );
    } catch (err) {
      this.log.warn({ err: String(err) }, 'cannot compute the next occurrence; the campaign ends');
      return null;
    }
  }
}
