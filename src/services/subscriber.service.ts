import {
  createSubscriberRepository,
  type Subscriber,
  type TelegramUserFields,
} from '../db/subscriber.repository.js';
import type { AudienceCountsService } from './audience-counts.service.js';
import { toCsv } from './csv.js';
import { type Page, pageWindow, type ServiceDeps, systemClock } from './deps.js';

export interface GroupMember {
  id: number;
  name: string;
  username?: string;
}

const SUBSCRIBER_CSV_HEADER = ['ID', 'Name', 'Username', 'Subscribed', 'Blocked', 'Groups', 'Segments'];

const fullName = (s: Pick<Subscriber, 'firstName' | 'lastName'>) =>
  [s.firstName, s.lastName].filter(Boolean).join(' ');

/** Telegram users: direct-message subscription, group membership as seen by the bot, blocks, segments. */
/**
 * Every change of who can be reached (subscribe, unsubscribe, block) is reported to the audience
 * counts with the state just written.
 */
export function createSubscriberService({
  models,
  logger,
  clock = systemClock,
  counts,
}: ServiceDeps & { counts: AudienceCountsService }) {
  const repo = createSubscriberRepository(models);

  return {
    async get(id: number): Promise<Subscriber | null> {
      return repo.get(id);
    },

    /**
     * /start in private: subscribes and refreshes the profile; returns true when already subscribed.
     * A user who had blocked the bot is talking to it again, so that block is lifted (an admin's is not).
     */
    async subscribe(user: TelegramUserFields): Promise<boolean> {
      const before = await repo.upsertProfile(user, { subscribed: true });
      // Only a finished subscription (it has its date) counts: when the upsert is retried after its
      // answer was lost, `before` is what the first attempt wrote, subscribed but not yet dated.
      if (before?.subscribed && before.subscribedAt) {
        await counts.subscribersAre([{ id: user.id, subscribed: true, blocked: before.blocked }]);
        return true;
      }
      const unblock = before?.blockedBy === 'user';
      await repo.updateReturningBefore(user.id, {
        $set: { subscribedAt: clock(), ...(unblock ? { blocked: false } : {}) },
        ...(unblock ? { $unset: { blockedBy: 1 } } : {}),
      });
      await counts.subscribersAre([
        { id: user.id, subscribed: true, blocked: unblock ? false : (before?.blocked ?? false) },
      ]);
      logger.info({ userId: user.id }, 'subscribed');
      return false;
    },

    /** /stop: nothing is sent to them from now on; returns whether they were subscribed. */
    async unsubscribe(userId: number): Promise<boolean> {
      const before = await repo.updateReturningBefore(userId, {
        $set: { subscribed: false, unsubscribedAt: clock() },
      });
      if (before) await counts.subscribersAre([{ id: userId, subscribed: false, blocked: before.blocked }]);
      if (before?.subscribed) logger.info({ userId }, 'unsubscribed');
      return before?.subscribed === true;
    },

    /** A user seen in a group (message or chat_member update); creates them if new, not subscribed. */
    async seenInGroup(user: TelegramUserFields, chatId: number): Promise<void> {
      await repo.upsertProfile(user, {}, chatId);
    },

    /** The user left or was removed from the group; returns whether they were listed in it. */
    async removeFromGroup(userId: number, chatId: number): Promise<boolean> {
      return repo.pullGroup(userId, chatId);
    },

    /** `admin`: blocked from the admin's list; `user`: the user blocked the bot (a 403 on send). */
    async block(userId: number, by: 'admin' | 'user' = 'admin'): Promise<boolean> {
      const before = await repo.updateReturningBefore(userId, { $set: { blocked: true, blockedBy: by } });
      if (before) {
        await counts.subscribersAre([{ id: userId, subscribed: before.subscribed, blocked: true }]);
        logger.info({ userId, by }, 'subscriber blocked');
      }
      return before !== null;
    },

    async addToSegment(userIds: readonly number[], segment: string): Promise<number> {
      return repo.addSegment(userIds, segment.trim());
    },

    /** The seed's "View Group Subscribers": ID, name, username, by id. */
    async listGroupMembers(
      chatId: number,
      query: { page?: number; pageSize?: number } = {},
    ): Promise<Page<GroupMember>> {
      const total = await repo.countInGroup(chatId);
      const window = pageWindow(total, query.page, query.pageSize);
      const members = await repo.listInGroup(chatId, window.skip, window.pageSize);
      const items = members.map((s) => ({
        id: s.id,
        name: fullName(s),
        ...(s.username ? { username: s.username } : {}),
      }));
      return { items, total, page: window.page, pages: window.pages, pageSize: window.pageSize };
    },

    /** All known users, or the members of one group. Usernames are written with their @. */
    async exportCsv(query: { groupId?: number } = {}): Promise<string> {
      const rows: (string | number | boolean)[][] = [];
      const filter = query.groupId === undefined ? {} : { groups: query.groupId };
      for await (const page of repo.batches(filter, 1000)) {
        for (const s of page) {
          rows.push([
            s.id,
            fullName(s),
            s.username ? `@${s.username}` : '',
            s.subscribed,
            s.blocked,
            s.groups.join('; '),
            s.segments.join('; '),
          ]);
        }
      }
      return toCsv(SUBSCRIBER_CSV_HEADER, rows);
    },
  };
}

export type SubscriberService = ReturnType<typeof createSubscriberService>;
