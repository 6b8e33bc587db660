import type { Model } from 'mongoose';
import { resolveTelegram } from '../../domain/audience.js';
import type { TelegramAudience } from '../../domain/campaign.js';
import { LOOKUPS_IN_FLIGHT, mapLimit } from '../../lib/map-limit.js';
import type { Models } from '../models.js';
import type { DispatchRecipient, RecipientSource } from './types.js';

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
        const fields = { firstName: 1, subscribed: 1, blocked: 1 };
        // Chosen subscribers one by one (by _id, an indexed equality; an $in would read them all).
        const chosen = async function* () {
          const ids = [...new Set(spec.directSubscriberIds)].sort((a, b) => a - b);
          for (let i = 0; i < ids.length; i += SUBSCRIBER_BATCH) {
            const docs = await mapLimit(ids.slice(i, i + SUBSCRIBER_BATCH), LOOKUPS_IN_FLIGHT, (id) =>
              Subscriber.findById(id, fields).lean().exec(),
            );
            yield* docs.filter((d) => d !== null);
          }
        };
        const cursor = spec.allSubscribers
          ? Subscriber.find({ subscribed: true, blocked: false }, fields)
              .sort({ _id: 1 })
              .lean()
              .cursor({ batchSize: SUBSCRIBER_BATCH })
          : chosen();
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
    const found = await mapLimit(next, LOOKUPS_IN_FLIGHT, (id) => Chat.findById(id).lean().exec());
    const docs = found.filter((d) => d !== null) as unknown as ChatRowDoc[];
    next = [];
    for (const d of docs) {
      if (seen.has(d._id)) continue;
      seen.set(d._id, d);
      if (d.migratedTo != null && !seen.has(d.migratedTo)) next.push(d.migratedTo);
    }
  }
  return [...seen.values()].sort((a, b) => a._id - b._id);
}
