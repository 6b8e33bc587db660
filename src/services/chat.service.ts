import { createCampaignRepository } from '../db/campaign.repository.js';
import { type Chat, type ChatType, createChatRepository } from '../db/chat.repository.js';
import { createSubscriberRepository } from '../db/subscriber.repository.js';
import { NotFoundError } from '../domain/errors.js';
import { type Page, pageWindow, type ServiceDeps } from './deps.js';

/** What a my_chat_member update tells about a chat the bot was added to. */
export interface ChatRegistration {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  memberCount?: number;
  /** the bot's status: member or administrator */
  botStatus?: string;
  canPost?: boolean;
  canPin?: boolean;
  addedBy?: number;
}

const KINDS: Record<'groups' | 'channels' | 'all', readonly ChatType[]> = {
  groups: ['group', 'supergroup'],
  channels: ['channel'],
  all: ['group', 'supergroup', 'channel'],
};

export function createChatService({ models, logger }: ServiceDeps) {
  const repo = createChatRepository(models);
  const campaigns = createCampaignRepository(models);
  const subscribers = createSubscriberRepository(models);

  return {
    async get(id: number): Promise<Chat> {
      const chat = await repo.get(id);
      if (!chat) throw new NotFoundError('chat', id);
      return chat;
    },

    /**
     * The bot was added (or its rights changed): the chat is active again. Adding the bot back is the
     * owner opting back in, so an earlier opt-out is lifted. `created` tells the bot to notify admins.
     */
    async register(input: ChatRegistration): Promise<{ chat: Chat; created: boolean }> {
      const { id, title, ...rest } = input;
      const result = await repo.upsertActive(id, { ...rest, title: title ?? '' });
      logger.info({ chatId: id, type: input.type, created: result.created }, 'chat registered');
      return result;
    },

    /** The bot was removed, the chat is gone, or the bot may no longer post: nothing is sent there. */
    async markInactive(id: number, reason: string): Promise<Chat | null> {
      logger.info({ chatId: id, reason }, 'chat inactive');
      return repo.set(id, { active: false, inactiveReason: reason });
    },

    /** The group owner took the group out: it stays known but is never sent to. */
    async optOut(id: number): Promise<Chat | null> {
      return repo.set(id, { optedOut: true });
    },

    /** The group's administrators take campaigns back (/optin): it is an audience again. */
    async optIn(id: number): Promise<Chat | null> {
      return repo.set(id, { optedOut: false });
    },

    /**
     * A group became a supergroup with a new id: the chat moves to the new id (the old one stays,
     * inactive, pointing at it), and campaign audiences and members follow. Safe to repeat.
     */
    async migrate(oldId: number, newId: number): Promise<Chat> {
      const old = await repo.get(oldId);
      if (!old) throw new NotFoundError('chat', oldId);
      const { id: _id, active, optedOut, inactiveReason, migratedTo, createdAt, updatedAt, ...fields } = old;
      let { chat } = await repo.upsertActive(newId, { ...fields, type: 'supergroup' });
      if (optedOut) chat = (await repo.set(newId, { optedOut: true })) ?? chat;
      await repo.set(oldId, { active: false, migratedTo: newId, inactiveReason: 'migrated' });
      await campaigns.replaceGroupId(oldId, newId);
      await subscribers.replaceGroup(oldId, newId);
      logger.info({ from: oldId, to: newId }, 'chat migrated to supergroup');
      return chat;
    },

    /** Active chats with their member counts, by title. */
    async list(
      query: { kind?: 'groups' | 'channels' | 'all'; page?: number; pageSize?: number } = {},
    ): Promise<Page<Chat>> {
      const types = KINDS[query.kind ?? 'all'];
      const total = await repo.countActive(types);
      const window = pageWindow(total, query.page, query.pageSize);
      const items = await repo.listActive(types, window.skip, window.pageSize);
      return { items, total, page: window.page, pages: window.pages, pageSize: window.pageSize };
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
