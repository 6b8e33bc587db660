import { Composer } from 'grammy';
import type { ChatMember, User } from 'grammy/types';
import { NotFoundError } from '../../domain/errors.js';
import type { Chat } from '../../services/index.js';
import type { BotContext } from '../context.js';

type GroupType = 'group' | 'supergroup' | 'channel';

/** A user seen in a group is written at most once a day per group, not on every message. */
const SEEN_TTL_SECONDS = 24 * 3600;

function isIn(member: ChatMember): boolean {
  return (
    member.status === 'member' ||
    member.status === 'administrator' ||
    member.status === 'creator' ||
    (member.status === 'restricted' && member.is_member)
  );
}

function canPostAs(member: ChatMember, type: GroupType): boolean {
  if (type === 'channel')
    return (
      member.status === 'creator' || (member.status === 'administrator' && member.can_post_messages === true)
    );
  return !(member.status === 'restricted' && !member.can_send_messages);
}

function whoText(user: User | undefined): string {
  if (!user) return '?';
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return `${name}${user.username ? ` (@${user.username})` : ''}, id ${user.id}`;
}

/**
 * Groups and channels: the bot added or removed (my_chat_member), a group upgraded to a supergroup,
 * /optout by a group administrator, and the members the bot sees (for /groups).
 */
export function membershipFeature(storagePrefix = 'mb:'): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  /** Every admin hears about it in their private chat, in their own language. */
  async function tellAdmins(
    ctx: BotContext,
    key: string,
    params: Record<string, string | number>,
  ): Promise<void> {
    const { admins } = ctx.deps.services;
    for (const admin of await admins.list()) {
      const locale = (await admins.languageOf(admin.id)) ?? ctx.deps.config.DEFAULT_LANGUAGE;
      const text = ctx.i18n.fluent.translate(locale, key, params);
      await ctx.api.sendMessage(admin.id, text).catch((err: unknown) => {
        ctx.log.warn({ adminId: admin.id, err }, 'admin notification not delivered');
      });
    }
  }

  async function memberCount(ctx: BotContext, chatId: number): Promise<number | undefined> {
    try {
      return await ctx.api.getChatMemberCount(chatId);
    } catch (err) {
      ctx.log.warn({ chatId, err }, 'getChatMemberCount failed');
      return undefined;
    }
  }

  composer.on('my_chat_member', async (ctx, next) => {
    const update = ctx.myChatMember;
    const chat = update.chat;
    if (chat.type === 'private') return next();
    const type: GroupType = chat.type;
    const now = update.new_chat_member;
    const title = chat.title;
    const services = ctx.deps.services;

    if (isIn(now)) {
      const count = await memberCount(ctx, chat.id);
      const { created } = await services.chats.register({
        id: chat.id,
        type,
        title,
        ...('username' in chat && chat.username ? { username: chat.username } : {}),
        ...(count !== undefined ? { memberCount: count } : {}),
        botStatus: now.status,
        canPost: canPostAs(now, type),
        canPin: now.status === 'creator' || (now.status === 'administrator' && now.can_pin_messages === true),
        addedBy: update.from.id,
      });
      if (created || !isIn(update.old_chat_member)) {
        await tellAdmins(ctx, 'membership-added', {
          title,
          type,
          members: count ?? 0,
          by: whoText(update.from),
        });
      }
      return;
    }
    await services.chats.markInactive(chat.id, now.status);
    if (isIn(update.old_chat_member)) {
      await tellAdmins(ctx, 'membership-removed', {
        title,
        type,
        status: now.status,
        by: whoText(update.from),
      });
    }
  });

  async function migrate(ctx: BotContext, oldId: number, newId: number, title: string): Promise<void> {
    try {
      await ctx.deps.services.chats.migrate(oldId, newId);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      // The old group was never registered (the bot predates this install): keep the new one.
      const count = await memberCount(ctx, newId);
      await ctx.deps.services.chats.register({
        id: newId,
        type: 'supergroup',
        title,
        ...(count !== undefined ? { memberCount: count } : {}),
      });
    }
  }

  composer.on('message:migrate_to_chat_id', async (ctx) => {
    await migrate(ctx, ctx.chat.id, ctx.message.migrate_to_chat_id, ctx.chat.title ?? '');
  });
  composer.on('message:migrate_from_chat_id', async (ctx) => {
    await migrate(ctx, ctx.message.migrate_from_chat_id, ctx.chat.id, ctx.chat.title ?? '');
  });

  const groups = composer.chatType(['group', 'supergroup']);

  /** Members seen in the group become the group's subscribers in /groups. */
  groups.on('message', async (ctx, next) => {
    const message = ctx.message;
    const people = [...(message.new_chat_members ?? [])];
    if (ctx.from && !ctx.from.is_bot && !message.sender_chat) people.push(ctx.from);
    for (const user of people) {
      if (user.is_bot) continue;
      const key = `${storagePrefix}seen:${ctx.chat.id}:${user.id}`;
      if ((await ctx.deps.redis.set(key, '1', 'EX', SEEN_TTL_SECONDS, 'NX')) === 'OK') {
        await ctx.deps.services.subscribers.seenInGroup(user, ctx.chat.id);
      }
    }
    const left = message.left_chat_member;
    if (left && !left.is_bot) {
      await ctx.deps.redis.del(`${storagePrefix}seen:${ctx.chat.id}:${left.id}`);
      await ctx.deps.services.subscribers.removeFromGroup(left.id, ctx.chat.id);
    }
    await next();
  });

  // Reaction totals on campaign messages, which Telegram sends for groups and channels where the bot is
  // an admin (anonymous totals; no per-user reactions are stored).
  composer.on('message_reaction_count', async (ctx) => {
    const { chat, message_id, reactions } = ctx.messageReactionCount;
    const total = reactions.reduce((sum, r) => sum + r.total_count, 0);
    await ctx.deps.services.analytics.recordReactions(chat.id, message_id, total);
  });

  composer.on('chat_member', async (ctx) => {
    const { chat, new_chat_member: member } = ctx.chatMember;
    if (chat.type === 'private' || member.user.is_bot) return;
    if (isIn(member)) {
      await ctx.deps.services.subscribers.seenInGroup(member.user, chat.id);
    } else {
      await ctx.deps.redis.del(`${storagePrefix}seen:${chat.id}:${member.user.id}`);
      await ctx.deps.services.subscribers.removeFromGroup(member.user.id, chat.id);
    }
  });

  async function isGroupAdmin(ctx: BotContext, chatId: number): Promise<boolean> {
    // An anonymous admin posts as the group itself.
    if (ctx.message?.sender_chat?.id === chatId) return true;
    if (!ctx.from) return false;
    try {
      const member = await ctx.api.getChatMember(chatId, ctx.from.id);
      return member.status === 'creator' || member.status === 'administrator';
    } catch (err) {
      ctx.log.warn({ chatId, err }, 'getChatMember failed; treating the sender as a member');
      return false;
    }
  }

  /** /optout and /optin: the chat's own administrators decide whether campaigns reach it. */
  async function setOptOut(
    ctx: BotContext,
    chatId: number,
    type: GroupType,
    title: string,
    optedOut: boolean,
  ): Promise<'done' | 'already'> {
    const services = ctx.deps.services;
    let known: Chat | null = null;
    try {
      known = await services.chats.get(chatId);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    if ((known?.optedOut ?? false) === optedOut) return 'already';
    if (!known) await services.chats.register({ id: chatId, type, title });
    if (optedOut) await services.chats.optOut(chatId);
    else await services.chats.optIn(chatId);
    await tellAdmins(ctx, optedOut ? 'membership-opted-out' : 'membership-opted-in', {
      title,
      by: whoText(ctx.from),
    });
    return 'done';
  }

  const OPT_COMMANDS = [
    {
      command: 'optout',
      optedOut: true,
      done: 'membership-optout-done',
      already: 'membership-optout-already',
      refused: 'membership-optout-refused',
    },
    {
      command: 'optin',
      optedOut: false,
      done: 'membership-optin-done',
      already: 'membership-optin-already',
      refused: 'membership-optin-refused',
    },
  ] as const;
  for (const { command, optedOut, ...texts } of OPT_COMMANDS) {
    groups.command(command, async (ctx) => {
      const replyTo = {
        reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true },
      };
      if (!(await isGroupAdmin(ctx, ctx.chat.id))) {
        await ctx.reply(ctx.t(texts.refused), replyTo);
        return;
      }
      const result = await setOptOut(ctx, ctx.chat.id, ctx.chat.type, ctx.chat.title, optedOut);
      await ctx.reply(ctx.t(texts[result]), replyTo);
    });

    // In a channel only its administrators can post, so the post itself proves the right.
    composer.chatType('channel').command(command, async (ctx) => {
      const result = await setOptOut(ctx, ctx.chat.id, 'channel', ctx.chat.title, optedOut);
      await ctx.reply(ctx.t(texts[result]));
    });
  }

  return composer;
}
