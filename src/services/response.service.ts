import { Types } from 'mongoose';
import type { CounterStore } from '../db/counter.store.js';
import type { ReachIndex } from '../db/reach-index.js';
import type { DeliveryStatus } from '../domain/analytics.js';
import { recipientKey } from '../domain/audience.js';
import { type ServiceDeps, systemClock } from './deps.js';

/** A message a recipient sent us (a WhatsApp contact, or a Telegram subscriber in private). */
export interface InboundReply {
  platform: 'whatsapp' | 'telegram';
  /** E.164, for WhatsApp */
  phone?: string;
  /** private chat id, for Telegram */
  chatId?: number;
  /** the text, or a media message's caption ('' without one) */
  text: string;
  /** what a non-text reply was (photo, voice, sticker, …; REPLY_MEDIA) */
  media?: ReplyMedia;
  at: Date;
  messageId?: string;
}

/** Kinds of non-text replies, as shown in 💬 Replies. */
export const REPLY_MEDIA = [
  'photo',
  'video',
  'voice',
  'audio',
  'document',
  'sticker',
  'animation',
  'video_note',
  'location',
  'contact',
  'other',
] as const;
export type ReplyMedia = (typeof REPLY_MEDIA)[number];

/** The campaign a reply answers, as recorded. */
export interface RecordedResponse {
  campaignId: number;
  run: number;
  recipient: string;
  /** from the delivery's send time to this reply */
  responseMs: number;
  /** the recipient's first reply to this delivery: the one that counts in the response rate */
  first: boolean;
  responseId: string;
}

export interface ResponseServiceDeps extends ServiceDeps {
  counters: CounterStore;
  /** how long after a delivery a reply still counts as its response (default 72 h) */
  windowMs?: number;
  /** the senders' recipient → latest delivery links; without it every reply searches deliveries */
  reach?: ReachIndex;
}

/** Delivered outcomes a reply can answer (Telegram has no receipts, so `sent` means delivered). */
const REACHED: DeliveryStatus[] = ['sent', 'delivered', 'read'];

const isDuplicateKey = (err: unknown) => (err as { code?: number } | null)?.code === 11000;

/**
 * Replies to campaigns: a reply belongs to the latest campaign that reached its sender within the
 * window. Every reply is stored; the first one per delivery sets the delivery's respondedAt and
 * responseMs, which analytics count (the response rate counts recipients, not messages).
 */
export function createResponseService({
  models,
  logger,
  clock = systemClock,
  windowMs = 72 * 3_600_000,
  reach,
  counters,
}: ResponseServiceDeps) {
  const { Campaign, Delivery, Response, FirstResponse } = models;

  function keyOf(reply: InboundReply): string | null {
    try {
      if (reply.platform === 'telegram' && reply.chatId !== undefined) {
        return recipientKey('telegram', reply.chatId);
      }
      if (reply.platform === 'whatsapp' && reply.phone) return recipientKey('whatsapp', reply.phone);
    } catch {
      return null;
    }
    return null;
  }

  /**
   * The latest delivery that reached the recipient in [since, at]. Through the reach index when it
   * covers the whole window: no link means nothing reached them. All deliveries are searched only
   * when it cannot answer: Redis is unavailable, the index began after `since`, the link's campaign
   * was deleted, or the link is newer than the reply (a late reply to an earlier campaign).
   */
  async function latestReached(recipient: string, since: Date, at: Date) {
    const fields = { _id: 1, campaignId: 1, run: 1, sentAt: 1 } as const;
    // Redis unavailable: the reply is still credited, by the search.
    const indexed = reach
      ? await reach.latest(recipient).catch((err: unknown) => {
          logger.warn({ err }, 'reach index unavailable; searching the deliveries');
          return null;
        })
      : null;
    if (indexed?.since != null && indexed.since <= since.getTime()) {
      const { link } = indexed;
      if (!link || link.sentAt < since.getTime()) return null;
      // A link is written only for a delivery that reached them, and a delivery leaves only with its
      // campaign: the (small) campaigns collection says whether it is still there.
      if (link.sentAt <= at.getTime() && (await Campaign.exists({ _id: link.campaignId }))) {
        return {
          _id: new Types.ObjectId(link.delivery),
          campaignId: link.campaignId,
          run: link.run,
          sentAt: new Date(link.sentAt),
        };
      }
    }
    return Delivery.findOne(
      { recipient, status: { $in: REACHED }, sentAt: { $gte: since, $lte: at } },
      fields,
    )
      .sort({ sentAt: -1 })
      .lean();
  }

  return {
    windowMs,

    async record(reply: InboundReply): Promise<RecordedResponse | null> {
      const recipient = keyOf(reply);
      if (!recipient) return null;
      const since = new Date(reply.at.getTime() - windowMs);
      const delivery = await latestReached(recipient, since, reply.at);
      if (!delivery?.sentAt) return null;

      const responseMs = Math.max(0, reply.at.getTime() - delivery.sentAt.getTime());
      let first = false;
      try {
        await FirstResponse.collection.insertOne({ _id: delivery._id, at: reply.at } as never);
        first = true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      if (first) {
        await Delivery.updateOne({ _id: delivery._id }, { $set: { respondedAt: reply.at, responseMs } });
      }
      const saved = await Response.create({
        campaignId: delivery.campaignId,
        run: delivery.run,
        recipient,
        platform: reply.platform,
        text: reply.text.slice(0, 4096),
        ...(reply.media ? { media: reply.media } : {}),
        at: reply.at,
        responseMs,
        first,
        ...(reply.messageId ? { messageId: reply.messageId } : {}),
      });
      // Counted once the reply is stored: a recount finds it among the first responses.
      if (first) await counters.response({ campaignId: delivery.campaignId, run: delivery.run }, responseMs);
      logger.info({ campaignId: delivery.campaignId, run: delivery.run, first }, 'response recorded');
      return {
        campaignId: delivery.campaignId,
        run: delivery.run,
        recipient,
        responseMs,
        first,
        responseId: String(saved._id),
      };
    },

    /** Marks what happened to a reply afterwards (auto-reply, routed to the admins). */
    async annotate(
      responseId: string,
      fields: { autoReplied?: boolean; intent?: string; confidence?: number; routedToAdmins?: boolean },
    ): Promise<void> {
      await Response.updateOne({ _id: responseId }, { $set: { ...fields, updatedAt: clock() } });
    },

    /** Replies to a campaign (optionally one run), newest first. */
    async list(campaignId: number, options: { run?: number; limit?: number } = {}) {
      return Response.find({ campaignId, ...(options.run !== undefined ? { run: options.run } : {}) })
        .sort({ at: -1 })
        .limit(options.limit ?? 50)
        .lean();
    },
  };
}

export type ResponseService = ReturnType<typeof createResponseService>;
