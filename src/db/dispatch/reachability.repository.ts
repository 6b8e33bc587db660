import type { Model } from 'mongoose';
import { LOOKUPS_IN_FLIGHT, mapLimit } from '../../lib/map-limit.js';
import type { Models } from '../models.js';

/** What sending learns about recipients: blocked users, chats gone or migrated. */
export function createReachabilityRepository(models: Models) {
  const { Chat, Subscriber } = models as unknown as Record<
    'Chat' | 'Subscriber',
    Model<Record<string, unknown>>
  >;

  return {
    /** 403 / chat not found: subscribers stop being reachable, chats become inactive (one write each, by _id). */
    async markUnreachable(
      users: readonly number[],
      chats: readonly { chatId: number; reason: string }[],
    ): Promise<void> {
      await mapLimit([...new Set(users)], LOOKUPS_IN_FLIGHT, (id) =>
        Subscriber.updateOne({ _id: id }, { $set: { blocked: true, blockedBy: 'user' } }).exec(),
      );
      await mapLimit(chats, LOOKUPS_IN_FLIGHT, ({ chatId, reason }) =>
        Chat.updateOne({ _id: chatId }, { $set: { active: false, inactiveReason: reason } }).exec(),
      );
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
  };
}

export type ReachabilityRepository = ReturnType<typeof createReachabilityRepository>;
