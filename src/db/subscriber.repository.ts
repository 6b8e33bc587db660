import type { SubscriberRow } from '../domain/audience.js';
import { mapLimit } from '../lib/map-limit.js';
import type { Models } from './models.js';

/** Lookups and updates in flight at once, one document each. */
const PARALLEL = 8;

/** A Telegram user as a plain object; `id` is the user id (also their private chat id). */
export interface Subscriber {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
  subscribed: boolean;
  subscribedAt?: Date;
  unsubscribedAt?: Date;
  blocked: boolean;
  blockedBy?: 'user' | 'admin';
  groups: number[];
  segments: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** What the audience counts need of a subscriber: reachable when subscribed and not blocked. */
export type SubscriberState = Pick<Subscriber, 'id' | 'subscribed' | 'blocked'>;

/** The fields of a Telegram `User` we keep. */
export interface TelegramUserFields {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

function toSubscriber(doc: unknown): Subscriber {
  const { _id, __v, ...rest } = doc as Record<string, unknown>;
  // An upsert does not apply array defaults, so a user first seen by an upsert may lack them.
  return {
    id: _id,
    ...rest,
    groups: rest.groups ?? [],
    segments: rest.segments ?? [],
  } as unknown as Subscriber;
}

export function toSubscriberRow(s: Pick<Subscriber, 'id' | 'subscribed' | 'blocked'>): SubscriberRow {
  return { userId: s.id, subscribed: s.subscribed, blocked: s.blocked };
}

function profile(user: TelegramUserFields): Record<string, unknown> {
  return {
    firstName: user.first_name,
    ...(user.last_name !== undefined ? { lastName: user.last_name } : {}),
    ...(user.username !== undefined ? { username: user.username } : {}),
    ...(user.language_code !== undefined ? { languageCode: user.language_code } : {}),
  };
}

export function createSubscriberRepository({ Subscriber: model }: Pick<Models, 'Subscriber'>) {
  return {
    async get(id: number): Promise<Subscriber | null> {
      const doc = await model.findById(id).lean().exec();
      return doc ? toSubscriber(doc) : null;
    },

    /** Upserts the profile and applies `set`; returns the document as it was before (null if new). */
    async upsertProfile(
      user: TelegramUserFields,
      set: Record<string, unknown> = {},
      addToGroup?: number,
    ): Promise<Subscriber | null> {
      const update: Record<string, unknown> = { $set: { ...profile(user), ...set } };
      if (addToGroup !== undefined) update.$addToSet = { groups: addToGroup };
      const before = await model
        .findOneAndUpdate({ _id: user.id }, update, { upsert: true, returnDocument: 'before' })
        .lean()
        .exec();
      return before ? toSubscriber(before) : null;
    },

    /** Updates an existing user; returns the document as it was before (null if unknown). */
    async updateReturningBefore(id: number, update: Record<string, unknown>): Promise<Subscriber | null> {
      const before = await model.findByIdAndUpdate(id, update, { returnDocument: 'before' }).lean().exec();
      return before ? toSubscriber(before) : null;
    },

    async pullGroup(userId: number, chatId: number): Promise<boolean> {
      const result = await model
        .updateOne({ _id: userId, groups: chatId }, { $pull: { groups: chatId } })
        .exec();
      return result.modifiedCount > 0;
    },

    async replaceGroup(oldId: number, newId: number): Promise<void> {
      await model.updateMany({ groups: oldId }, { $addToSet: { groups: newId } }).exec();
      await model.updateMany({ groups: oldId }, { $pull: { groups: oldId } }).exec();
    },

    /** One update per user, by _id (an `$in` would read every subscriber on FerretDB 1.24). */
    async addSegment(userIds: readonly number[], segment: string): Promise<number> {
      const results = await mapLimit([...new Set(userIds)], PARALLEL, (id) =>
        model.updateOne({ _id: id }, { $addToSet: { segments: segment } }).exec(),
      );
      return results.reduce((n, r) => n + r.modifiedCount, 0);
    },

    /** By id, one lookup each, in the order asked (unknown ids are left out). */
    async byIds(ids: readonly number[]): Promise<Subscriber[]> {
      const docs = await mapLimit([...new Set(ids)], PARALLEL, (id) => model.findById(id).lean().exec());
      return docs.filter((d) => d !== null).map(toSubscriber);
    },

    /**
     * What the audience counts need of every subscriber matching `filter`, in pages (no order):
     * for a recount of the counts.
     */
    async *states(filter: Record<string, unknown>, size: number): AsyncGenerator<SubscriberState[]> {
      let page: SubscriberState[] = [];
      const fields = { subscribed: 1, blocked: 1 };
      for await (const doc of model.find(filter, fields).lean().cursor({ batchSize: size })) {
        page.push({ id: doc._id, subscribed: doc.subscribed === true, blocked: doc.blocked === true });
        if (page.length === size) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    },

    async countInGroup(chatId: number): Promise<number> {
      return model.countDocuments({ groups: chatId }).exec();
    },

    async listInGroup(chatId: number, skip: number, limit: number): Promise<Subscriber[]> {
      const docs = await model
        .find({ groups: chatId })
        .sort({ _id: 1 })
        .skip(skip)
        .limit(limit)
        .lean()
        .exec();
      return docs.map(toSubscriber);
    },

    /** Pages in id order from one cursor, so a large audience is walked without holding it all. */
    async *batches(filter: Record<string, unknown>, size: number): AsyncGenerator<Subscriber[]> {
      let page: Subscriber[] = [];
      for await (const doc of model.find(filter).sort({ _id: 1 }).lean().cursor({ batchSize: size })) {
        page.push(toSubscriber(doc));
        if (page.length === size) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    },
  };
}

export type SubscriberRepository = ReturnType<typeof createSubscriberRepository>;
