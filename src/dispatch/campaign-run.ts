import type { Config } from '../config.js';
import type {
  DeliveryResult,
  DispatchCampaign,
  DispatchRepository,
  RecipientSource,
  RunCounts,
  WorkItem,
} from '../db/dispatch.repository.js';
import type { FailureReason } from '../domain/analytics.js';
import type { TelegramSettings } from '../domain/campaign.js';
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
import type { ProgressFigures } from './progress.js';
import { createRenderer, linkTrackingFor } from './render.js';
import { LeasedRun, STOPPED } from './run-common.js';
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

export type { StopReason } from './run-common.js';

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

export class CampaignRun extends LeasedRun {
  readonly done: Promise<void>;
  private readonly tasks = new Set<Promise<void>>();
  private readonly released: WorkItem[] = [];
  private results: DeliveryResult[] = [];
  private readonly claimedAt = new Map<string, Date>();
  private frontier: Frontier | undefined;
  private lastSaveAt = 0;
  private flushing: Promise<void> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushErrors = 0;
  private streak = 0;
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
    super(
      {
        repo: deps.repo,
        translate: deps.translate,
        owner: deps.owner,
        clock: deps.clock,
        log: deps.logger.child({ campaignId: campaign.id }),
        config: deps.config,
        label: '',
      },
      campaign,
    );
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

  private async execute(): Promise<void> {
    const { tuning, metrics } = this.deps;
    metrics.activeRuns.inc();
    const heartbeat = this.startHeartbeat(tuning.controlIntervalMs);
    try {
      await this.prepare();
      if (!this.stopping) await this.firstPass();
      if (!this.stopping) await this.retryPass();
      await this.drain();
      await this.stopHeartbeat(heartbeat);
      await this.end();
    } catch (err) {
      this.log.error(
        { err: String(err) },
        'run crashed; the lease will expire and another attempt will resume it',
      );
      this.stop('lease_lost');
      await this.drain().catch(() => {});
    } finally {
      await this.stopHeartbeat(heartbeat);
      await this.progress?.close();
      if (this.flushTimer) clearTimeout(this.flushTimer);
      metrics.activeRuns.inc({}, -1);
      metrics.queueDepth.set(0, { campaign: String(this.c.id) });
    }
  }

  // ---------- preparation ----------

  private async prepare(): Promise<void> {
    const { source, messenger, limiter, tuning } = this.deps;
    const now = this.clock();
    if (!(await this.begin(now))) {
      this.stop('lease_lost');
      return;
    }
    const media = this.c.message.media;
    if (media && !media.fileId) {
      // Telegram needs the file_id the bot got when the admin uploaded it; nothing can be sent.
      this.stop('fatal', { error: 'media_without_file_id' });
      return;
    }
    const unknown = await this.expandOrResolve(source, now);
    if (unknown > 0) {
      this.deps.metrics.unknown.inc({}, unknown);
      this.log.warn({ run: this.c.run, unknown }, 'deliveries interrupted by a crash marked unknown');
    }
    this.figures = this.figuresOf(await this.counts(this.takeover));
    await this.startProgress(messenger, limiter, tuning.progressIntervalMs);
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
      const last = Math.ceil(self.c.dispatch.total / repo.pageSize);
      for (let page = 0; page < last && !self.stopping; page++) {
        yield await repo.pendingDeliveries(self.c.id, self.c.run, page, pass);
      }
      if (!self.stopping) yield await repo.pendingDeliveries(self.c.id, self.c.run, undefined, pass);
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
      if (r.ok) return this.launch(item, r.go);
      if (r.reason === 'chat') return this.launch(item, undefined);
      if (!(await this.pause(r.waitMs))) return this.release(item);
    }
  }

  /** `go`: the global slot pump took for it (see AcquireResult), or none when the chat said wait. */
  private async launch(item: WorkItem, go: (() => void) | undefined): Promise<void> {
    while (this.tasks.size >= this.maxInFlight) await Promise.race(this.tasks);
    const task: Promise<void> = this.send(item, go)
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

  private async send(item: WorkItem, slot: (() => void) | undefined): Promise<void> {
    const { messenger, limiter, metrics, repo, config, tuning } = this.deps;
    let chatId = item.chatId;
    let go = slot;
    let attempts = 0;
    let limited = 0;
    let migrated = false;
    for (;;) {
      go ??= await this.acquire(chatId, item);
      if (!go) return this.release(item);
      const message = this.render(item.name, { run: this.c.run, recipient: item.recipient });
      go();
      go = undefined;
      attempts++;
      const started = performance.now();
      try {
        const { messageId } = await messenger.send(chatId, message, this.sendOptions);
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

  /** A global and chat slot for a retry; undefined when the run stopped first. */
  private async acquire(chatId: number, item: WorkItem): Promise<(() => void) | undefined> {
    for (;;) {
      if (this.stopping) return undefined;
      const r = await this.raceStop(
        this.deps.limiter.tryAcquire({ chatId, kind: item.kind }, { paid: this.sendOptions.paidBroadcast }),
      );
      if (r === STOPPED) return undefined;
      if (r.ok) return r.go;
      if (!(await this.pause(r.waitMs))) return undefined;
    }
  }

  /** Pins are best effort: a failure is logged and the delivery stays sent. */
  private async pin(chatId: number, messageId: number): Promise<void> {
    try {
      const r = await this.deps.limiter.tryAcquire(null, {
        paid: this.sendOptions.paidBroadcast,
        perChat: false,
      });
      if (r.ok) r.go();
      else await sleep(r.waitMs);
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
      const cursor = this.frontier?.cursor;
      if (cursor !== undefined && (force || now - this.lastSaveAt >= SAVE_PROGRESS_MS)) {
        this.lastSaveAt = now;
        const ours = await this.serial(() => repo.saveCursor(this.c.id, this.lease, cursor));
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

  protected override async control(): Promise<void> {
    await this.checkLease();
    const f = this.figures;
    this.deps.metrics.queueDepth.set(Math.max(0, f.total - f.sent - f.failed - f.unknown), {
      campaign: String(this.c.id),
    });
    this.progress?.update(this.figures);
  }

  private raceStop<T>(p: Promise<T>): Promise<T | typeof STOPPED> {
    p.catch((err: unknown) => this.log.warn({ err: String(err) }, 'limiter call failed'));
    return this.untilStopped(p);
  }

  /** Sleeps unless the run stops first; false when it stopped. */
  private async pause(ms: number): Promise<boolean> {
    if (this.stopping) return false;
    let timer: NodeJS.Timeout | undefined;
    const r = await this.untilStopped(
      new Promise<'slept'>((resolve) => {
        timer = setTimeout(() => resolve('slept'), Math.max(0, ms));
      }),
    );
    clearTimeout(timer);
    return r === 'slept';
  }

  // ---------- the end ----------

  protected override async end(): Promise<void> {
    if (this.stopReason === 'lease_lost') {
      this.log.warn('lease lost: another dispatcher owns this campaign now');
    }
    await super.end();
  }

  protected override unwritten(): boolean {
    return this.results.length > 0 || this.flushErrors > 0;
  }

  protected override async endOther(_reason: 'fatal', counts: RunCounts, figures: ProgressFigures) {
    await this.finish(counts, figures, 'failed', this.stopDetail.error ?? 'fatal');
  }

  protected override closed(outcome: 'cancelled' | 'published' | 'failed'): void {
    this.deps.metrics.runs.inc({ outcome });
  }

  protected override badSchedule(err: unknown): void {
    this.log.warn({ err: String(err) }, 'cannot compute the next occurrence; the campaign ends');
  }
}
