import type { Redis } from 'ioredis';
import { Types } from 'mongoose';
import type { TrainingDoc, TrainingInboxDoc } from '../db/training.model.js';
import type { Platform, TrainingStatus } from '../domain/campaign.js';
import { DomainError, NotFoundError } from '../domain/errors.js';
import {
  AUTO_REPLY_WINDOW_SECONDS,
  assertTrainingApplies,
  CONFIDENCE_THRESHOLD,
  DuplicateIntentError,
  decideReply,
  type Intent,
  MAX_INTENTS,
  NoModelError,
  type RouteReason,
  TooManyIntentsError,
  validateIntent,
  validateResponse,
  validateTrainingSet,
} from '../domain/training.js';
import { type ServiceDeps, systemClock } from './deps.js';
import type { InboundReply, RecordedResponse } from './response.service.js';
import { type Classifier, loadClassifier, trainInWorker } from './training-classifier.js';

export interface TrainingView {
  campaignId: number;
  campaignName: string;
  platform: Platform;
  status: TrainingStatus;
  intents: Intent[];
  autoReply: boolean;
  /** a model exists but the intents changed after it was built */
  stale: boolean;
  /** a stored model exists (a status set by hand, e.g. in the /newcampaign wizard, may have none) */
  hasModel: boolean;
  trainedAt?: Date;
  lastError?: { code: string; params: Record<string, string | number> };
  autoReplies: number;
  routed: number;
}

export interface TestResult {
  intent: string | null;
  confidence: number;
  /** the response that would be sent, when confident enough */
  response: string | null;
  threshold: number;
  /** the text shares a content word with the intent's examples */
  matched: boolean;
}

/** A reply the admins are asked to answer by hand. */
export interface RoutedReply {
  id: string;
  campaignId: number;
  campaignName: string;
  platform: 'telegram' | 'whatsapp';
  /** a name and handle for a subscriber, the number for a WhatsApp contact */
  from: string;
  text: string;
  intent: string | null;
  confidence: number;
  reason: RouteReason;
}

/** Tells the admins about a routed reply (main.ts wires the bot's implementation). */
export type RouteToAdmins = (reply: RoutedReply) => Promise<void>;

export interface InboxItem {
  id: string;
  campaignId: number;
  platform: 'telegram' | 'whatsapp';
  chatId?: number;
  phone?: string;
  text: string;
  answered: boolean;
}

export interface TrainingServiceDeps extends ServiceDeps {
  /** auto-reply rate limits per contact; required for autoReply() */
  redis?: Redis;
  /** Redis key prefix (tests isolate themselves) */
  keyPrefix?: string;
  /** replaceable in tests, to watch the `training` state while the model is built */
  trainer?: (intents: readonly Intent[]) => Promise<Classifier>;
}

/** A `training` state older than this is a crashed attempt and may be started again. */
const STUCK_MS = 5 * 60_000;
/** The exported model is kept in one document: stay far below MongoDB's 16 MB. */
const MODEL_LIMIT_BYTES = 8 * 1024 * 1024;
const CACHE_SIZE = 50;

export class TrainingInProgressError extends DomainError {
  constructor() {
    super('training-in-progress', 'This campaign is being trained right now');
  }
}

export class ModelTooLargeError extends DomainError {
  constructor(bytes: number) {
    super('training-model-too-large', `The trained model is ${bytes} bytes`, { bytes });
  }
}

/**
 * Training per campaign: intents edited by the admins, a classifier trained from them and stored in
 * MongoDB, and automatic replies to the responses a campaign gets. Replies below the confidence
 * threshold (or past a contact's hourly auto-reply limit) go to the admins instead.
 */
export function createTrainingService({
  models,
  logger,
  clock = systemClock,
  redis,
  keyPrefix = 'mb:',
  trainer = trainInWorker,
}: TrainingServiceDeps) {
  const { Campaign, Training, TrainingInbox, Response, Subscriber } = models;
  let routeToAdmins: RouteToAdmins | undefined;
  /** loaded models by campaign, valid while their trainedAt matches the stored one */
  const cache = new Map<number, { trainedAt: number; classifier: Classifier }>();

  async function campaignOf(id: number) {
    const c = await Campaign.findById(id, { name: 1, platform: 1, audience: 1, training: 1 }).lean();
    if (!c) throw new NotFoundError('campaign', id);
    return c;
  }

  /** The campaign, refused when training does not apply to it (groups-only Telegram campaign). */
  async function trainable(id: number) {
    const c = await campaignOf(id);
    assertTrainingApplies(c.platform, c.audience);
    return c;
  }

  async function docOf(id: number): Promise<TrainingDoc | null> {
    return Training.findById(id).lean<TrainingDoc>();
  }

  async function setStatus(id: number, training: TrainingStatus, adminId?: number): Promise<void> {
    await Campaign.updateOne(
      { _id: id },
      { $set: { training, ...(adminId !== undefined ? { updatedBy: adminId } : {}), updatedAt: clock() } },
    );
  }

  function view(c: Awaited<ReturnType<typeof campaignOf>>, doc: TrainingDoc | null): TrainingView {
    return {
      campaignId: c._id,
      campaignName: c.name,
      platform: c.platform,
      status: c.training,
      intents: (doc?.intents ?? []).map((i) => ({
        name: i.name,
        examples: [...i.examples],
        response: i.response,
      })),
      autoReply: doc?.autoReply ?? true,
      stale: Boolean(doc?.model) && c.training !== 'trained',
      hasModel: Boolean(doc?.model),
      ...(doc?.trainedAt ? { trainedAt: doc.trainedAt } : {}),
      ...(doc?.lastError ? { lastError: doc.lastError } : {}),
      autoReplies: doc?.autoReplies ?? 0,
      routed: doc?.routed ?? 0,
    };
  }

  async function writeIntents(id: number, intents: Intent[], adminId: number): Promise<void> {
    await Training.updateOne(
      { _id: id },
      { $set: { intents, updatedAt: clock() }, $unset: { lastError: 1 } },
      { upsert: true },
    );
    // The stored model no longer matches the intents: auto-replies wait for the next Train.
    const c = await campaignOf(id);
    if (c.training !== 'not_trained') await setStatus(id, 'not_trained', adminId);
    cache.delete(id);
  }

  async function classifierOf(id: number): Promise<Classifier | null> {
    const doc = await Training.findById(id, { model: 1, trainedAt: 1 }).lean<TrainingDoc>();
    if (!doc?.model || !doc.trainedAt) return null;
    const stamp = new Date(doc.trainedAt).getTime();
    const hit = cache.get(id);
    if (hit && hit.trainedAt === stamp) return hit.classifier;
    const classifier = await loadClassifier(doc.model);
    cache.delete(id);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(id, { trainedAt: stamp, classifier });
    return classifier;
  }

  async function classify(id: number, text: string) {
    const classifier = await classifierOf(id);
    if (!classifier) throw new NoModelError();
    const doc = await docOf(id);
    const result = await classifier.classify(text);
    const intent = doc?.intents.find((i) => i.name === result.intent);
    return { ...result, response: intent?.response ?? null };
  }

  async function who(reply: InboundReply): Promise<string> {
    if (reply.platform === 'whatsapp') return reply.phone ?? '';
    const s = reply.chatId === undefined ? null : await Subscriber.findById(reply.chatId).lean();
    if (!s) return String(reply.chatId ?? '');
    const name = [s.firstName, s.lastName].filter(Boolean).join(' ');
    return s.username ? `${name} (@${s.username})` : name || String(s._id);
  }

  /** Counts an auto-reply to this contact in the current window; the count after this one. */
  async function countAutoReply(recipient: string): Promise<number> {
    if (!redis) throw new Error('training auto-replies need Redis (pass redis to createServices)');
    const key = `${keyPrefix}train:rl:${recipient}`;
    const count = await redis.incr(key);
    // The window starts with the first auto-reply; a fixed window is enough for "N per hour".
    if (count === 1) await redis.expire(key, AUTO_REPLY_WINDOW_SECONDS);
    return count;
  }

  const service = {
    /** Wires how routed replies reach the admins (the bot's sender); without it they are only stored. */
    useRouter(route: RouteToAdmins): void {
      routeToAdmins = route;
    },

    async get(campaignId: number): Promise<TrainingView> {
      const c = await trainable(campaignId);
      return view(c, await docOf(campaignId));
    },

    /** Adds an intent, or replaces the one called `replacing` (by name). */
    async saveIntent(
      campaignId: number,
      input: Intent,
      adminId: number,
      replacing?: string,
    ): Promise<TrainingView> {
      await trainable(campaignId);
      const intent = validateIntent(input);
      const intents = (await docOf(campaignId))?.intents ?? [];
      const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
      const clash = intents.find((i) => same(i.name, intent.name) && !(replacing && same(i.name, replacing)));
      if (clash) throw new DuplicateIntentError(clash.name);
      const index = replacing ? intents.findIndex((i) => same(i.name, replacing)) : -1;
      const next = [...intents];
      if (index >= 0) next[index] = intent;
      else {
        if (next.length >= MAX_INTENTS) throw new TooManyIntentsError(MAX_INTENTS);
        next.push(intent);
      }
      await writeIntents(campaignId, next, adminId);
      logger.info({ campaignId, intent: intent.name, adminId }, 'training intent saved');
      return service.get(campaignId);
    },

    async removeIntent(campaignId: number, name: string, adminId: number): Promise<TrainingView> {
      await trainable(campaignId);
      const intents = (await docOf(campaignId))?.intents ?? [];
      const next = intents.filter((i) => i.name !== name);
      if (next.length === intents.length) throw new NotFoundError('intent', name);
      await writeIntents(campaignId, next, adminId);
      return service.get(campaignId);
    },

    async setAutoReply(campaignId: number, enabled: boolean, adminId: number): Promise<TrainingView> {
      await trainable(campaignId);
      await Training.updateOne(
        { _id: campaignId },
        { $set: { autoReply: enabled, updatedAt: clock() } },
        { upsert: true },
      );
      logger.info({ campaignId, enabled, adminId }, 'training auto-replies switched');
      return service.get(campaignId);
    },

    /**
     * Not Trained → Training → Trained. A set that cannot be trained (too few intents or examples, an
     * example under two intents) leaves the campaign Not Trained, remembers why, and throws.
     */
    async train(campaignId: number, adminId: number): Promise<TrainingView> {
      const c = await trainable(campaignId);
      const doc = await docOf(campaignId);
      if (
        c.training === 'training' &&
        doc &&
        clock().getTime() - new Date(doc.updatedAt).getTime() < STUCK_MS
      ) {
        throw new TrainingInProgressError();
      }
      const intents = doc?.intents ?? [];
      try {
        validateTrainingSet(intents);
      } catch (err) {
        if (err instanceof DomainError) {
          await Training.updateOne(
            { _id: campaignId },
            { $set: { lastError: { code: err.code, params: err.params }, updatedAt: clock() } },
            { upsert: true },
          );
          await setStatus(campaignId, 'not_trained', adminId);
          logger.info({ campaignId, code: err.code }, 'training refused');
        }
        throw err;
      }

      await Training.updateOne({ _id: campaignId }, { $set: { updatedAt: clock() } }, { upsert: true });
      await setStatus(campaignId, 'training', adminId);
      try {
        const started = Date.now();
        const classifier = await trainer(intents);
        const model = classifier.serialize();
        const bytes = Buffer.byteLength(model);
        if (bytes > MODEL_LIMIT_BYTES) throw new ModelTooLargeError(bytes);
        const trainedAt = clock();
        await Training.updateOne(
          { _id: campaignId },
          { $set: { model, trainedAt, trainedBy: adminId, updatedAt: trainedAt }, $unset: { lastError: 1 } },
        );
        cache.set(campaignId, { trainedAt: trainedAt.getTime(), classifier });
        await setStatus(campaignId, 'trained', adminId);
        logger.info(
          { campaignId, intents: intents.length, bytes, ms: Date.now() - started, adminId },
          'campaign trained',
        );
      } catch (err) {
        const failure =
          err instanceof DomainError
            ? { code: err.code, params: err.params }
            : { code: 'training-failed', params: {} };
        await Training.updateOne({ _id: campaignId }, { $set: { lastError: failure, updatedAt: clock() } });
        await setStatus(campaignId, 'not_trained', adminId);
        logger.error({ campaignId, err }, 'training failed');
        throw err;
      }
      return service.get(campaignId);
    },

    /** Back to Not Trained: the model is dropped, the intents stay. */
    async reset(campaignId: number, adminId: number): Promise<TrainingView> {
      await trainable(campaignId);
      await Training.updateOne({ _id: campaignId }, { $unset: { model: 1, trainedAt: 1 } });
      cache.delete(campaignId);
      await setStatus(campaignId, 'not_trained', adminId);
      return service.get(campaignId);
    },

    /** "Test AI responses": what would be sent for this text, and how sure the model is. */
    async test(campaignId: number, text: string): Promise<TestResult> {
      await trainable(campaignId);
      const result = await classify(campaignId, text);
      return {
        intent: result.intent,
        confidence: result.confidence,
        response: result.matched && result.confidence >= CONFIDENCE_THRESHOLD ? result.response : null,
        threshold: CONFIDENCE_THRESHOLD,
        matched: result.matched,
      };
    },

    /**
     * The reply hook: a recorded response to a campaign comes in; returns the text to send back to the
     * contact, or null (not trained, auto-replies off, not confident, or the contact's limit reached;
     * the last two go to the admins). Counts every auto-reply on the campaign's training and on the
     * response record.
     */
    async autoReply(reply: InboundReply, recorded: RecordedResponse | null): Promise<string | null> {
      return (await service.handleReply(reply, recorded)).text;
    },

    /** autoReply() that also says whether the reply went to the admins. */
    async handleReply(
      reply: InboundReply,
      recorded: RecordedResponse | null,
    ): Promise<{ text: string | null; routed: boolean }> {
      const none = { text: null, routed: false };
      if (!recorded || !reply.text.trim()) return none;
      const campaignId = recorded.campaignId;
      const c = await Campaign.findById(campaignId, { name: 1, training: 1 }).lean();
      if (c?.training !== 'trained') return none;
      const doc = await Training.findById(campaignId, { autoReply: 1 }).lean<TrainingDoc>();
      if (!doc?.autoReply) return none;
      let result: Awaited<ReturnType<typeof classify>>;
      try {
        result = await classify(campaignId, reply.text);
      } catch (err) {
        if (err instanceof NoModelError) return none;
        throw err;
      }
      const usable = result.response !== null && result.matched && result.confidence >= CONFIDENCE_THRESHOLD;
      // INCR first: two replies arriving together cannot both pass the limit.
      const before = usable ? (await countAutoReply(recorded.recipient)) - 1 : 0;
      const decision = decideReply(result.response !== null ? result.confidence : 0, before, result.matched);
      const annotation = { intent: result.intent ?? undefined, confidence: result.confidence };

      if (decision === 'auto_reply' && result.response) {
        await Training.updateOne({ _id: campaignId }, { $inc: { autoReplies: 1 } });
        await Response.updateOne(
          { _id: recorded.responseId },
          { $set: { ...annotation, autoReplied: true, updatedAt: clock() } },
        );
        logger.info({ campaignId, intent: result.intent, confidence: result.confidence }, 'auto-reply');
        return { text: result.response, routed: false };
      }

      const reason: RouteReason =
        decision === 'route_rate_limited'
          ? 'rate_limited'
          : decision === 'route_unmatched'
            ? 'unmatched'
            : 'low_confidence';
      const item = await TrainingInbox.create({
        campaignId,
        platform: reply.platform,
        recipient: recorded.recipient,
        ...(reply.chatId !== undefined ? { chatId: reply.chatId } : {}),
        ...(reply.phone ? { phone: reply.phone } : {}),
        text: reply.text.slice(0, 4096),
        ...(result.intent ? { intent: result.intent } : {}),
        confidence: result.confidence,
        reason,
        responseId: recorded.responseId,
        at: reply.at,
      });
      await Training.updateOne({ _id: campaignId }, { $inc: { routed: 1 } });
      await Response.updateOne(
        { _id: recorded.responseId },
        { $set: { ...annotation, autoReplied: false, routedToAdmins: true, updatedAt: clock() } },
      );
      logger.info({ campaignId, reason, confidence: result.confidence }, 'reply routed to the admins');
      if (routeToAdmins) {
        await routeToAdmins({
          id: String(item._id),
          campaignId,
          campaignName: c.name,
          platform: reply.platform,
          from: await who(reply),
          text: item.text,
          intent: result.intent,
          confidence: result.confidence,
          reason,
        });
      } else {
        logger.warn({ campaignId }, 'no admin router wired: the routed reply waits in training_inbox');
      }
      return { text: null, routed: true };
    },

    async inboxItem(id: string): Promise<InboxItem> {
      if (!Types.ObjectId.isValid(id)) throw new NotFoundError('reply', id);
      const doc = await TrainingInbox.findById(id).lean<TrainingInboxDoc>();
      if (!doc) throw new NotFoundError('reply', id);
      return {
        id,
        campaignId: doc.campaignId,
        platform: doc.platform,
        ...(doc.chatId !== undefined ? { chatId: doc.chatId } : {}),
        ...(doc.phone ? { phone: doc.phone } : {}),
        text: doc.text,
        answered: doc.answer !== undefined && doc.answer !== null,
      };
    },

    /**
     * An admin's answer to a routed reply. Telegram: the caller sends it and calls answerSent();
     * WhatsApp: it is queued for the whatsapp role (nextWhatsAppAnswer). Answering twice is refused.
     */
    async answer(id: string, text: string, adminId: number): Promise<InboxItem> {
      const body = validateResponse(text);
      const item = await service.inboxItem(id);
      if (item.answered) throw new AlreadyAnsweredError();
      await TrainingInbox.updateOne(
        { _id: id },
        {
          $set: {
            answer: { text: body, by: adminId, at: clock() },
            delivery: item.platform === 'whatsapp' ? 'queued' : 'sending',
          },
        },
      );
      logger.info({ campaignId: item.campaignId, adminId }, 'routed reply answered');
      return { ...item, answered: true };
    },

    async answerSent(id: string, ok: boolean): Promise<void> {
      await TrainingInbox.updateOne({ _id: id }, { $set: { delivery: ok ? 'sent' : 'failed' } });
    },

    /** For the whatsapp role: the next admin answer to send to a contact, claimed (status `sending`). */
    async nextWhatsAppAnswer(): Promise<{ id: string; phone: string; text: string } | null> {
      const doc = await TrainingInbox.findOneAndUpdate(
        { platform: 'whatsapp', delivery: 'queued' },
        { $set: { delivery: 'sending' } },
        { sort: { updatedAt: 1 }, returnDocument: 'after' },
      ).lean<TrainingInboxDoc>();
      if (!doc?.phone || !doc.answer) return null;
      return { id: String(doc._id), phone: doc.phone, text: doc.answer.text };
    },
  };
  return service;
}

export class AlreadyAnsweredError extends DomainError {
  constructor() {
    super('training-already-answered', 'This reply was answered already');
  }
}

export type TrainingService = ReturnType<typeof createTrainingService>;
