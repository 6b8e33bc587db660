import type { Api } from 'grammy';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { createAudienceStore } from '../db/audience.store.js';
import { type CounterStore, createCounterStore } from '../db/counter.store.js';
import {
  createDispatchRepository,
  type DispatchRecipient,
  type RecipientSource,
} from '../db/dispatch.repository.js';
import type { Models } from '../db/models.js';
import { createReachIndex, type ReachIndex, reachTtlMs } from '../db/reach-index.js';
import { createReceiptRepository } from '../db/receipt.repository.js';
import { createWhatsAppRepository } from '../db/whatsapp.repository.js';
import { createTelegramMessenger } from '../dispatch/messengers/telegram.messenger.js';
import {
  createWhatsAppMessenger,
  type WaIncomingMessage,
  type WaMediaFile,
  type WaSentMessage,
  type WhatsAppClientLike,
} from '../dispatch/messengers/whatsapp.messenger.js';
import { type Clock, systemClock, type Translate } from '../dispatch/types.js';
import { WhatsAppRun } from '../dispatch/whatsapp-run.js';
import type { MessageMedia } from '../domain/campaign.js';
import { createKeyedQueue } from '../lib/keyed-queue.js';
import { type Logger, maskPhone } from '../logger.js';
import type { Services } from '../services/index.js';
import type { InboundReply, RecordedResponse, ReplyMedia } from '../services/response.service.js';
import {
  createWhatsAppLink,
  normalizePhone,
  stopWordLanguage,
  type WhatsAppState,
} from '../services/whatsapp.service.js';
import { createAdminNotifier } from './admin-notifier.js';
import { createRealClient } from './real-client.js';
import { createWhatsAppSession, type DownReason, errorLine, type WhatsAppSession } from './session.js';

/**
 * Another module's answer to a reply (training auto-replies): the text returned is sent back to
 * the contact on WhatsApp; null sends nothing.
 */
export type ReplyHook = (reply: InboundReply, recorded: RecordedResponse | null) => Promise<string | null>;

/** Messages to single contacts queued by another module (admins' answers to routed replies). */
export interface WhatsAppOutbox {
  /** the next message to send, claimed so that nobody else sends it; null when there is none */
  next(): Promise<{ id: string; phone: string; text: string } | null>;
  sent(id: string, ok: boolean): Promise<void>;
}

export interface WhatsAppRoleTuning {
  tickMs: number;
  initTimeoutMs: number;
  qrMaxShown: number;
  callTimeoutMs: number;
  sendTimeoutMs: number;
  controlIntervalMs: number;
  progressIntervalMs: number;
  /** an ack that overtakes its delivery's write is retried this often (5 times) */
  ackRetryMs: number;
  /** see SessionDeps.reconnectDelaysMs */
  reconnectDelaysMs?: readonly number[];
}

export interface WhatsAppRoleDeps {
  config: Config;
  logger: Logger;
  models: Models;
  services: Pick<Services, 'audience' | 'responses'>;
  /** state and commands; the command loop opens a duplicate connection of its own */
  redis: Redis;
  /** Telegram (no auto-retry needed): notices, QR photos, progress, media downloads */
  api: Api;
  translate: Translate;
  /** the real whatsapp-web.js client by default */
  createClient?: () => WhatsAppClientLike;
  keyPrefix?: string;
  onReply?: ReplyHook;
  outbox?: WhatsAppOutbox;
  /** false: wait for an admin's Connect instead of starting the client at once */
  autoConnect?: boolean;
  clock?: Clock;
  /** where outcomes are linked for replies (ReachIndex); by default in `redis` */
  reach?: ReachIndex;
  /** the process's counter store (main.ts shares one); by default one in `redis` */
  counters?: CounterStore;
  /** pacing clock and sleep of the runs (tests pass virtual ones) */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  tuning?: Partial<WhatsAppRoleTuning>;
}

export interface WhatsAppRole {
  start(): Promise<void>;
  /** Idempotent: the run under way stops (its recipients stay pending), the browser is destroyed. */
  stop(): Promise<void>;
  tick(): Promise<void>;
  readonly session: WhatsAppSession;
  /** the run under way, if any (tests) */
  activeRun(): WhatsAppRun | undefined;
  /** the inbound handlers, as the client's events call them (tests call them directly too) */
  handleMessage(message: WaIncomingMessage): Promise<void>;
  handleAck(message: WaSentMessage, ack: number): Promise<void>;
}

/** The state in Redis is rewritten this often; the bot calls a report older than 3× this stale. */
export const STATUS_HEARTBEAT_MS = 30_000;

/** whatsapp-web.js message types → the kinds of non-text replies shown in 💬 Replies */
const WA_MEDIA: Record<string, ReplyMedia> = {
  image: 'photo',
  video: 'video',
  ptt: 'voice',
  audio: 'audio',
  document: 'document',
  sticker: 'sticker',
  location: 'location',
  vcard: 'contact',
  multi_vcard: 'contact',
  poll_creation: 'other',
  buttons_response: 'other',
  list_response: 'other',
};

/** States in which nothing can be sent until an admin acts: due campaigns are paused with the reason. */
const DOWN: readonly WhatsAppState[] = ['failed', 'logged_out', 'auth_failure', 'disconnected', 'stopped'];

export function createWhatsAppRole(deps: WhatsAppRoleDeps): WhatsAppRole {
  const { config, models, translate } = deps;
  const log = deps.logger.child({ role: 'whatsapp' });
  const clock = deps.clock ?? systemClock;
  const tuning: WhatsAppRoleTuning = {
    tickMs: config.SCHEDULER_TICK_MS,
    initTimeoutMs: 60_000,
    qrMaxShown: 6,
    callTimeoutMs: 20_000,
    sendTimeoutMs: 30_000,
    controlIntervalMs: 1000,
    progressIntervalMs: 3000,
    ackRetryMs: 1000,
    ...deps.tuning,
  };
  const owner = `${config.DISPATCHER_ID}:wa`;
  const link = createWhatsAppLink(deps.redis, deps.keyPrefix);
  const database = models.Campaign.db.name;
  const counters = deps.counters ?? createCounterStore(deps.redis, { database, logger: log });
  const audience = createAudienceStore(deps.redis, { database });
  const repo = createDispatchRepository(models, {
    counters,
    audience,
    reach:
      deps.reach ??
      createReachIndex(deps.redis, { database, ttlMs: reachTtlMs(config.RESPONSE_WINDOW_HOURS) }),
  });
  const wa = createWhatsAppRepository(models, audience);
  const receipts = createReceiptRepository(models, counters);
  const notifier = createAdminNotifier({
    api: deps.api,
    models,
    adminIds: config.ADMIN_IDS,
    translate,
    defaultLanguage: config.DEFAULT_LANGUAGE,
    logger: log,
  });
  const telegram = createTelegramMessenger(deps.api);
  let run: WhatsAppRun | undefined;
  let lastDown: DownReason | undefined;
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let blocking: Redis | undefined;
  let commandLoop: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  const source: RecipientSource = {
    async *recipients(campaign) {
      if (campaign.audience.kind !== 'whatsapp') return;
      for await (const batch of deps.services.audience.recipientBatches(campaign.audience)) {
        yield batch
          .filter((r) => r.phone)
          .map(
            (r): DispatchRecipient => ({
              chatId: 0,
              kind: 'private',
              phone: r.phone as string,
              name: r.name ?? '',
            }),
          );
      }
    },
  };

  async function loadMedia(media: MessageMedia): Promise<WaMediaFile> {
    if (!media.fileId) throw new Error('the media has no Telegram file_id');
    const file = await deps.api.getFile(media.fileId);
    if (!file.file_path)
      throw new Error('Telegram gave no file path (files over 20 MB cannot be downloaded)');
    const url = `${config.TELEGRAM_API_ROOT}/file/bot${config.BOT_TOKEN}/${file.file_path}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`media download failed: HTTP ${res.status}`);
    const data = Buffer.from(await res.arrayBuffer()).toString('base64');
    const fileName = media.fileName ?? file.file_path.split('/').pop();
    return { kind: media.kind, mime: media.mime, data, ...(fileName ? { fileName } : {}) };
  }

  async function handleMessage(m: WaIncomingMessage): Promise<void> {
    try {
      if (m.fromMe || m.isStatus || !/@(c\.us|lid)$/.test(m.from)) return;
      // Notices (a deleted message, a call, encryption changes…) are not replies.
      if (m.type && m.type !== 'chat' && !WA_MEDIA[m.type]) return;
      const raw = m.from.endsWith('@c.us') ? m.from.split('@')[0] : (await m.getContact?.())?.number;
      const phone = raw ? normalizePhone(raw) : null;
      if (!phone) return;
      const text = (m.body ?? '').trim();
      const at = m.timestamp ? new Date(m.timestamp * 1000) : clock();
      const client = session.client();
      const language = stopWordLanguage(text);
      if (language) {
        await wa.optOut(phone, at);
        log.info({ phone: maskPhone(phone) }, 'contact opted out');
        await client?.sendMessage(m.from, translate(language, 'whatsapp-optout-confirmed'));
        return;
      }
      const media = m.type && m.type !== 'chat' ? WA_MEDIA[m.type] : undefined;
      const reply: InboundReply = {
        platform: 'whatsapp',
        phone,
        text,
        ...(media ? { media } : {}),
        at,
        ...(m.id?._serialized ? { messageId: m.id._serialized } : {}),
      };
      const recorded = await deps.services.responses.record(reply);
      if (!deps.onReply) return;
      const answer = await deps.onReply(reply, recorded);
      if (answer) await client?.sendMessage(m.from, answer);
    } catch (err) {
      log.warn({ err }, 'incoming WhatsApp message not handled');
    }
  }

  // Messages from one sender are handled one after another, in the order they came: a reply to
  // the first question is sent before the second is looked at, and the hook sees them in order.
  const inSenderOrder = createKeyedQueue();

  async function handleAck(m: WaSentMessage, ack: number): Promise<void> {
    const id = m.id?._serialized;
    if (!id) return;
    try {
      for (let i = 0; i < 5; i++) {
        const outcome = await receipts.applyAck(id, ack, clock());
        if (outcome !== 'not_found') return;
        await new Promise((r) => setTimeout(r, tuning.ackRetryMs));
      }
    } catch (err) {
      log.warn({ err }, 'receipt not recorded');
    }
  }

  const session = createWhatsAppSession({
    createClient:
      deps.createClient ??
      (() =>
        createRealClient({
          chromePath: config.CHROME_PATH,
          dataDir: config.DATA_DIR,
          auth: config.WHATSAPP_AUTH,
          // RemoteAuth keeps the session in GridFS on the connection the models use.
          mongo: models.Campaign.db,
          onBackupError: (err) =>
            log.warn({ err: errorLine(err) }, 'backing up the WhatsApp session to MongoDB failed'),
        })),
    link,
    notifier,
    translate,
    logger: log,
    initTimeoutMs: tuning.initTimeoutMs,
    qrMaxShown: tuning.qrMaxShown,
    callTimeoutMs: tuning.callTimeoutMs,
    ...(tuning.reconnectDelaysMs ? { reconnectDelaysMs: tuning.reconnectDelaysMs } : {}),
    onMessage: (m) => void inSenderOrder(m.from, () => handleMessage(m)),
    onAck: (m, ack) => void handleAck(m, ack),
    onDown: (reason) => {
      lastDown = reason;
      run?.stop('unavailable', { reason: `whatsapp_${reason}` });
    },
    onReady: () => {
      lastDown = undefined;
      void offerResume().finally(() => void tick());
    },
  });

  /**
   * Back online: each admin whose campaigns were paused because WhatsApp was down gets them listed
   * with a Resume button each (the campaign card's own, which asks before sending). They are not
   * resumed by themselves: hours may have passed, and the admin decides.
   */
  async function offerResume(): Promise<void> {
    try {
      const paused = await wa.pausedForConnection();
      const byAdmin = new Map<number, typeof paused>();
      for (const c of paused) {
        for (const adminId of c.adminId !== undefined ? [c.adminId] : await notifier.admins()) {
          byAdmin.set(adminId, [...(byAdmin.get(adminId) ?? []), c]);
        }
      }
      for (const [adminId, campaigns] of byAdmin) {
        const locale = await notifier.localeOf(adminId);
        const list = campaigns
          .map((c) =>
            translate(locale, c.total > 0 ? 'whatsapp-resume-item' : 'whatsapp-resume-item-unstarted', {
              name: c.name,
              id: String(c.id),
              sent: c.sent,
              total: c.total,
            }),
          )
          .join('\n');
        await notifier.text(
          adminId,
          translate(locale, 'whatsapp-resume-offer', { list }),
          campaigns.map((c) => [
            {
              text: translate(locale, 'whatsapp-btn-resume', { id: String(c.id) }),
              data: `camp:wa:a:${c.id}:p:re`,
            },
          ]),
        );
      }
    } catch (err) {
      log.warn({ err }, 'could not offer to resume paused campaigns');
    }
  }

  /** A due campaign while WhatsApp cannot send: paused with the reason, and its admin told. */
  async function pauseDue(): Promise<void> {
    const reason = lastDown ?? 'disconnected';
    for (let i = 0; i < 10; i++) {
      const c = await repo.claimDue(owner, clock(), config.LEASE_SECONDS * 1000, 'whatsapp');
      if (!c) return;
      const lease = { owner, epoch: c.lease?.epoch ?? 0 };
      await repo.autoPause(c, lease, `whatsapp_${reason}`);
      log.warn({ campaignId: c.id, reason }, 'WhatsApp campaign due while WhatsApp is down: paused');
      const adminId = c.startedBy ?? c.createdBy;
      if (adminId !== undefined) {
        const locale = await notifier.localeOf(adminId);
        const counts = await repo.readCounts(c);
        await notifier.text(
          adminId,
          translate(locale, 'whatsapp-run-paused', {
            name: c.name,
            id: String(c.id),
            reason: translate(locale, `whatsapp-reason-${reason}`),
            sent: counts.sent,
            total: c.dispatch.total,
          }),
        );
      }
    }
  }

  /** Up to 10 queued one-to-one messages per tick, next to (not paced with) a campaign run. */
  async function drainOutbox(client: WhatsAppClientLike): Promise<void> {
    if (!deps.outbox) return;
    const messenger = createWhatsAppMessenger(client, {
      timeoutMs: tuning.sendTimeoutMs,
      connected: () => session.ready(),
    });
    for (let i = 0; i < 10 && !stopping; i++) {
      const item = await deps.outbox.next();
      if (!item) return;
      let ok = false;
      try {
        const to = await messenger.numberId(item.phone);
        await messenger.send(to, { text: item.text }, { linkPreview: true });
        ok = true;
      } catch (err) {
        log.warn({ err, phone: maskPhone(item.phone) }, 'queued WhatsApp message not sent');
      }
      await deps.outbox.sent(item.id, ok);
    }
  }

  async function claimLoop(): Promise<void> {
    if (stopping) return;
    if (!session.ready()) {
      if (!run && DOWN.includes(session.state())) await pauseDue();
      return;
    }
    const client = session.client();
    if (!client) return;
    await drainOutbox(client);
    if (run) return;
    const campaign = await repo.claimDue(owner, clock(), config.LEASE_SECONDS * 1000, 'whatsapp');
    if (!campaign) return;
    log.info({ campaignId: campaign.id, status: campaign.status }, 'whatsapp campaign claimed');
    const current = new WhatsAppRun(
      {
        repo,
        wa,
        source,
        messenger: createWhatsAppMessenger(client, {
          timeoutMs: tuning.sendTimeoutMs,
          connected: () => session.ready(),
        }),
        telegram,
        admins: {
          send: async (chatId, text, buttons) => {
            await notifier.text(chatId, text, buttons);
          },
        },
        loadMedia,
        translate,
        logger: log,
        clock,
        ...(deps.now ? { now: deps.now } : {}),
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        owner,
        config,
        tuning: {
          controlIntervalMs: tuning.controlIntervalMs,
          progressIntervalMs: tuning.progressIntervalMs,
        },
      },
      campaign,
    );
    run = current;
    void current.done.finally(() => {
      if (run === current) run = undefined;
      if (!stopping) void tick();
    });
  }

  function tick(): Promise<void> {
    ticking ??= claimLoop()
      .catch((err: unknown) => log.error({ err }, 'whatsapp scheduler tick failed'))
      .finally(() => {
        ticking = undefined;
      });
    return ticking;
  }

  async function commands(conn: Redis): Promise<void> {
    while (!stopping) {
      try {
        const cmd = await link.next(conn, 1);
        if (cmd) await session.handle(cmd);
      } catch (err) {
        if (stopping) return;
        log.warn({ err }, 'whatsapp command failed');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  return {
    session,
    handleMessage,
    handleAck,
    tick,
    activeRun: () => run,

    async start() {
      await repo.init();
      blocking = deps.redis.duplicate();
      commandLoop = commands(blocking);
      timer = setInterval(() => void tick(), tuning.tickMs);
      heartbeat = setInterval(() => void session.heartbeat(), STATUS_HEARTBEAT_MS);
      log.info({ auth: config.WHATSAPP_AUTH, chrome: config.CHROME_PATH }, 'whatsapp role started');
      if (deps.autoConnect !== false) void session.connect();
      else await link.setStatus({ state: 'stopped' });
    },

    stop() {
      stopping ??= (async () => {
        if (timer) clearInterval(timer);
        if (heartbeat) clearInterval(heartbeat);
        await ticking;
        run?.stop('shutdown');
        await run?.done;
        await session.stop();
        if (!deps.counters) await counters.close();
        blocking?.disconnect();
        await commandLoop?.catch(() => undefined);
        log.info('whatsapp role stopped');
      })();
      return stopping;
    },
  };
}
