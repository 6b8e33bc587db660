import type { ChatRow } from '../domain/audience.js';
import { mapLimit } from '../lib/map-limit.js';
import type { Models } from './models.js';

export type ChatType = 'group' | 'supergroup' | 'channel';

/** A Telegram group, supergroup or channel as a plain object; `id` is the chat id. */
export interface Chat {
  id: number;
  type: ChatType;
  title: string;
  username?: string;
  memberCount: number;
  botStatus: string;
  canPost: boolean;
  canPin: boolean;
  addedBy?: number;
  active: boolean;
  optedOut: boolean;
  inactiveReason?: string;
  migratedTo?: number;
  createdAt: Date;
  updatedAt: Date;
}

export type ChatFields = Pick<Chat, 'type' | 'title'> &
  Partial<Pick<Chat, 'username' | 'memberCount' | 'botStatus' | 'canPost' | 'canPin' | 'addedBy'>>;

function toChat(doc: unknown): Chat {
  const { _id, __v, ...rest } = doc as Record<string, unknown>;
  return { id: _id, ...rest } as unknown as Chat;
}

/** What audience rules need; an opted-out chat is as unreachable as one the bot left. */
export function toChatRow(chat: Chat): ChatRow {
  return {
    chatId: chat.id,
    type: chat.type,
    active: chat.active && !chat.optedOut,
    memberCount: chat.memberCount,
  };
}

function activeFilter(types: readonly ChatType[]) {
  return { active: true, optedOut: { $ne: true }, type: { $in: [...types] } };
}

export function createChatRepository({ Chat: model }: Pick<Models, 'Chat'>) {
  return {
    async get(id: number): Promise<Chat | null> {
      const doc = await model.findById(id).lean().exec();
      return doc ? toChat(doc) : null;
    },

    /** Inserts or refreshes a chat the bot is in; returns it and whether it was new. */
    async upsertActive(id: number, fields: ChatFields): Promise<{ chat: Chat; created: boolean }> {
      const before = await model
        .findOneAndUpdate(
          { _id: id },
          {
            $set: { ...fields, active: true, optedOut: false },
            $unset: { inactiveReason: 1, migratedTo: 1 },
          },
          { upsert: true, returnDocument: 'before' },
        )
        .lean()
        .exec();
      const after = await model.findById(id).lean().exec();
      return { chat: toChat(after), created: before === null };
    },

    async set(id: number, set: Record<string, unknown>): Promise<Chat | null> {
      const doc = await model.findByIdAndUpdate(id, { $set: set }, { returnDocument: 'after' }).lean().exec();
      return doc ? toChat(doc) : null;
    },

    /** By id, one lookup each (an `$in` would read every chat on FerretDB 1.24); unknown ids are left out. */
    async byIds(ids: readonly number[]): Promise<Chat[]> {
      const docs = await mapLimit([...new Set(ids)], 8, (id) => model.findById(id).lean().exec());
      return docs.filter((d) => d !== null).map(toChat);
    },

    async countActive(types: readonly ChatType[]): Promise<number> {
      return model.countDocuments(activeFilter(types)).exec();
    },

    /** Active chats the bot can post to, by title. */
    async listActive(types: readonly ChatType[], skip: number, limit: number): Promise<Chat[]> {
      const docs = await model
        .find(activeFilter(types))
        .sort({ title: 1, _id: 1 })
        .skip(skip)
        .limit(limit)
        .lean()
        .exec();
      return docs.map(toChat);
    },
  };
}

export type ChatRepository = ReturnType<typeof createChatRepository>;
