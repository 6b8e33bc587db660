import { Composer, GrammyError, InlineKeyboard, InputFile } from 'grammy';
import { SEGMENTS } from '../../domain/campaign.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Chat, Subscriber } from '../../services/index.js';
import { arm, armedPattern, disarm, expiredAnswer } from '../armed-actions.js';
import type { BotContext } from '../context.js';
import { canChange, isAdmin } from '../filters.js';
import { cancelKeyboard, createPendingInput } from './pending-input.js';
import { clip, label, type PressResult, pressed, show } from './screen.js';

const PAGE_SIZE = 10;

const fullName = (s: { firstName?: string; lastName?: string }) =>
  [s.firstName, s.lastName].filter(Boolean).join(' ');

/** Why Telegram refused a direct message, as a key of groups.ftl. */
function sendFailure(err: unknown): string {
  if (!(err instanceof GrammyError)) return 'groups-dm-failed-network';
  const d = err.description.toLowerCase();
  if (d.includes('blocked')) return 'groups-dm-failed-blocked';
  if (d.includes('deactivated')) return 'groups-dm-failed-deactivated';
  if (d.includes('chat not found') || d.includes("can't initiate")) return 'groups-dm-failed-not-started';
  if (err.error_code === 429) return 'groups-dm-failed-rate';
  return 'groups-dm-failed-other';
}

/** /groups: the chats the bot is in, each group's subscribers, and what an admin can do with one. */
export function groupsFeature(storagePrefix = 'mb:'): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);
  const pending = createPendingInput(storagePrefix);

  async function findChat(ctx: BotContext, id: number): Promise<Chat | null> {
    try {
      return await ctx.deps.services.chats.get(id);
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  async function listScreen(ctx: BotContext, page: number, opts: { send?: boolean; notice?: string } = {}) {
    const result = await ctx.deps.services.chats.list({ kind: 'all', page, pageSize: PAGE_SIZE });
    const lines: string[] = [];
    if (opts.notice) lines.push(opts.notice, '');
    lines.push(ctx.t('groups-title', { total: result.total, page: result.page, pages: result.pages }), '');
    if (result.items.length === 0) lines.push(ctx.t('groups-empty'));
    result.items.forEach((chat, i) => {
      lines.push(
        ctx.t('groups-line', {
          n: String((result.page - 1) * result.pageSize + i + 1),
          title: chat.title || String(chat.id),
          type: chat.type,
          members: chat.memberCount,
        }),
      );
    });
    const rows = result.items.map((chat) => [
      InlineKeyboard.text(label(`${chat.title || chat.id} (${chat.memberCount})`), `grp:g:${chat.id}:1`),
    ]);
    const nav = [];
    if (result.page > 1) nav.push(InlineKeyboard.text('◀', `grp:l:${result.page - 1}`));
    if (result.page < result.pages) nav.push(InlineKeyboard.text('▶', `grp:l:${result.page + 1}`));
    if (nav.length) rows.push(nav);
    await show(ctx, lines.join('\n'), InlineKeyboard.from(rows), opts);
  }

  async function groupScreen(ctx: BotContext, chat: Chat, page: number, notice?: string): Promise<void> {
    const members = await ctx.deps.services.subscribers.listGroupMembers(chat.id, {
      page,
      pageSize: PAGE_SIZE,
    });
    const lines: string[] = [];
    if (notice) lines.push(notice, '');
    lines.push(
      ctx.t('groups-chat-title', { title: chat.title || String(chat.id) }),
      ctx.t('groups-chat-info', { type: chat.type, members: chat.memberCount, id: String(chat.id) }),
    );
    if (chat.optedOut) lines.push(ctx.t('groups-chat-opted-out'));
    if (!chat.canPost) lines.push(ctx.t('groups-chat-cannot-post'));
    lines.push(
      '',
      ctx.t('groups-subscribers-title', { total: members.total, page: members.page, pages: members.pages }),
    );
    if (members.items.length === 0) lines.push(ctx.t('groups-subscribers-empty'));
    for (const m of members.items) {
      lines.push(
        ctx.t('groups-subscriber-line', {
          id: String(m.id),
          name: m.name || '—',
          username: m.username ? `@${m.username}` : '—',
        }),
      );
    }
    const rows = members.items.map((m) => [
      InlineKeyboard.text(
        label(`${m.name || m.id}${m.username ? ` @${m.username}` : ''}`),
        `grp:u:${chat.id}:${m.id}`,
      ),
    ]);
    const nav = [];
    if (members.page > 1) nav.push(InlineKeyboard.text('◀', `grp:g:${chat.id}:${members.page - 1}`));
    if (members.page < members.pages)
      nav.push(InlineKeyboard.text('▶', `grp:g:${chat.id}:${members.page + 1}`));
    if (nav.length) rows.push(nav);
    rows.push([
      InlineKeyboard.text(ctx.t('groups-btn-export'), `grp:x:${chat.id}`),
      InlineKeyboard.text(ctx.t('groups-btn-back-groups'), 'grp:l:1'),
    ]);
    await show(ctx, lines.join('\n'), InlineKeyboard.from(rows));
  }

  function subscriberText(ctx: BotContext, s: Subscriber, notice?: string): string {
    const lines: string[] = [];
    if (notice) lines.push(notice, '');
    lines.push(
      ctx.t('groups-user-title', {
        name: fullName(s) || '—',
        username: s.username ? `@${s.username}` : '—',
        id: String(s.id),
      }),
      ctx.t('groups-user-subscribed', { subscribed: s.subscribed ? 'yes' : 'no' }),
      ctx.t('groups-user-blocked', { blocked: s.blocked ? (s.blockedBy ?? 'admin') : 'no' }),
      ctx.t('groups-user-segments', { segments: s.segments.length ? s.segments.join(', ') : '—' }),
      ctx.t('groups-user-groups', { count: s.groups.length }),
    );
    return lines.join('\n');
  }

  function subscriberKeyboard(ctx: BotContext, chatId: number, s: Subscriber): InlineKeyboard {
    const k = new InlineKeyboard();
    if (canChange(ctx)) {
      k.text(ctx.t('groups-btn-dm'), `grp:m:${chatId}:${s.id}`)
        .text(ctx.t('groups-btn-segment'), `grp:s:${chatId}:${s.id}`)
        .row()
        .text(ctx.t('groups-btn-remove'), `grp:r:${chatId}:${s.id}`);
      if (!s.blocked) k.text(ctx.t('groups-btn-block'), `grp:b:${chatId}:${s.id}`);
      k.row();
    }
    return k.text(ctx.t('groups-btn-back-group'), `grp:g:${chatId}:1`);
  }

  async function subscriberScreen(ctx: BotContext, chatId: number, s: Subscriber, notice?: string) {
    await show(ctx, subscriberText(ctx, s, notice), subscriberKeyboard(ctx, chatId, s));
  }

  feature.command('groups', async (ctx) => {
    await pending.clear(ctx);
    await listScreen(ctx, 1);
  });
  feature.callbackQuery(
    'home:groups',
    pressed(async (ctx) => {
      await pending.clear(ctx);
      await listScreen(ctx, 1, { send: true });
    }),
  );
  feature.callbackQuery(
    /^grp:l:(\d+)$/,
    pressed(async (ctx) => listScreen(ctx, Number(ctx.match[1]))),
  );

  /** A press about a chat: the chat must still be known, else the list is redrawn. */
  type ChatHandler = (ctx: BotContext, chat: Chat, rest: string[]) => PressResult;
  const chatPress = (verb: string, handler: ChatHandler) =>
    feature.callbackQuery(
      armedPattern(new RegExp(`^grp:${verb}:(-?\\d+)((?::[\\w-]+)*)$`)),
      pressed(async (ctx) => {
        const chat = await findChat(ctx, Number(ctx.match[1]));
        if (!chat) {
          await listScreen(ctx, 1);
          return { text: ctx.t('groups-chat-gone'), alert: true };
        }
        return handler(ctx, chat, (ctx.match[2] ?? '').split(':').filter(Boolean));
      }),
    );

  /** A press about one subscriber of a chat. */
  type UserHandler = (ctx: BotContext, chat: Chat, user: Subscriber, rest: string[]) => PressResult;
  /** `armed`: removes, blocks or sends, so only on the confirmation the bot showed this admin. */
  const userPress = (verb: string, handler: UserHandler, opts: { changes: boolean; armed?: boolean }) =>
    chatPress(verb, async (ctx, chat, rest) => {
      const user = await ctx.deps.services.subscribers.get(Number(rest[0]));
      if (!user) {
        await groupScreen(ctx, chat, 1);
        return { text: ctx.t('groups-user-gone'), alert: true };
      }
      if (opts.changes && !canChange(ctx)) {
        await subscriberScreen(ctx, chat.id, user);
        return { text: ctx.t('viewer-read-only'), alert: true };
      }
      if (opts.armed && !(await disarm(ctx))) return expiredAnswer(ctx);
      return handler(ctx, chat, user, rest.slice(1));
    });

  chatPress('g', async (ctx, chat, [page]) => groupScreen(ctx, chat, Number(page) || 1));

  chatPress('x', async (ctx, chat) => {
    const csv = await ctx.deps.services.subscribers.exportCsv({ groupId: chat.id });
    const rows = Math.max(0, csv.split('\r\n').length - 2);
    await ctx.replyWithDocument(
      new InputFile(Buffer.from(csv, 'utf8'), `subscribers-${Math.abs(chat.id)}.csv`),
      {
        caption: ctx.t('groups-export-caption', { count: rows, title: chat.title }),
      },
    );
  });

  userPress(
    'u',
    async (ctx, chat, user) => {
      // Back from a direct-message question: the question is dropped with it.
      if (await pending.mine(ctx, 'grp-')) await pending.clear(ctx);
      await subscriberScreen(ctx, chat.id, user);
    },
    { changes: false },
  );

  userPress(
    'r',
    async (ctx, chat, user) => {
      await show(
        ctx,
        ctx.t('groups-remove-confirm', { name: fullName(user) || String(user.id), title: chat.title }),
        new InlineKeyboard()
          .text(ctx.t('groups-btn-remove-yes'), await arm(ctx, `grp:ry:${chat.id}:${user.id}`))
          .text(ctx.t('groups-btn-no'), `grp:u:${chat.id}:${user.id}`),
      );
    },
    { changes: true },
  );
  userPress(
    'ry',
    async (ctx, chat, user) => {
      const removed = await ctx.deps.services.subscribers.removeFromGroup(user.id, chat.id);
      const notice = ctx.t(removed ? 'groups-removed' : 'groups-not-in-group', {
        name: fullName(user) || String(user.id),
        title: chat.title,
      });
      await groupScreen(ctx, chat, 1, notice);
      return { text: notice };
    },
    { changes: true, armed: true },
  );

  userPress(
    'b',
    async (ctx, chat, user) => {
      await show(
        ctx,
        ctx.t('groups-block-confirm', { name: fullName(user) || String(user.id) }),
        new InlineKeyboard()
          .text(ctx.t('groups-btn-block-yes'), await arm(ctx, `grp:by:${chat.id}:${user.id}`))
          .text(ctx.t('groups-btn-no'), `grp:u:${chat.id}:${user.id}`),
      );
    },
    { changes: true },
  );
  userPress(
    'by',
    async (ctx, chat, user) => {
      await ctx.deps.services.subscribers.block(user.id, 'admin');
      const fresh = (await ctx.deps.services.subscribers.get(user.id)) ?? user;
      const notice = ctx.t('groups-blocked', { name: fullName(user) || String(user.id) });
      await subscriberScreen(ctx, chat.id, fresh, notice);
      return { text: notice };
    },
    { changes: true, armed: true },
  );

  userPress(
    's',
    async (ctx, chat, user) => {
      const rows = SEGMENTS.map((segment, i) => [
        InlineKeyboard.text(
          `${user.segments.includes(segment) ? '✓ ' : ''}${segment}`,
          `grp:sa:${chat.id}:${user.id}:${i}`,
        ),
      ]);
      rows.push([InlineKeyboard.text(ctx.t('groups-btn-back-user'), `grp:u:${chat.id}:${user.id}`)]);
      await show(
        ctx,
        ctx.t('groups-segment-title', { name: fullName(user) || String(user.id) }),
        InlineKeyboard.from(rows),
      );
    },
    { changes: true },
  );
  userPress(
    'sa',
    async (ctx, chat, user, [index]) => {
      const segment = SEGMENTS[Number(index)];
      if (!segment) return { text: ctx.t('outdated-button') };
      await ctx.deps.services.subscribers.addToSegment([user.id], segment);
      const fresh = (await ctx.deps.services.subscribers.get(user.id)) ?? user;
      const notice = ctx.t('groups-segment-added', { name: fullName(user) || String(user.id), segment });
      await subscriberScreen(ctx, chat.id, fresh, notice);
      return { text: notice };
    },
    { changes: true },
  );

  userPress(
    'm',
    async (ctx, chat, user) => {
      if (user.blocked) return { text: ctx.t('groups-dm-blocked-user'), alert: true };
      await pending.set(ctx, { kind: 'grp-dm', chatId: chat.id, userId: user.id });
      await ctx.reply(ctx.t('groups-dm-prompt', { name: fullName(user) || String(user.id) }), {
        reply_markup: cancelKeyboard(ctx),
      });
      return undefined;
    },
    { changes: true },
  );
  userPress(
    'my',
    async (ctx, chat, user) => {
      const p = await pending.mine(ctx, 'grp-dm-confirm');
      if (!p || p.userId !== user.id || typeof p.text !== 'string') {
        await subscriberScreen(ctx, chat.id, user);
        return { text: ctx.t('outdated-button'), alert: true };
      }
      await pending.clear(ctx);
      const name = fullName(user) || String(user.id);
      let result: string;
      try {
        await ctx.api.sendMessage(user.id, p.text, { link_preview_options: { is_disabled: true } });
        result = ctx.t('groups-dm-sent', { name });
      } catch (err) {
        const reason = sendFailure(err);
        if (reason === 'groups-dm-failed-blocked') await ctx.deps.services.subscribers.block(user.id, 'user');
        ctx.log.info({ userId: user.id, reason }, 'direct message not sent');
        result = ctx.t(reason, { name, description: err instanceof GrammyError ? err.description : '' });
      }
      const fresh = (await ctx.deps.services.subscribers.get(user.id)) ?? user;
      await subscriberScreen(ctx, chat.id, fresh, result);
      return { text: result };
    },
    { changes: true, armed: true },
  );

  feature.on('message:text', async (ctx, next) => {
    if (ctx.message.text.startsWith('/')) return next();
    const p = await pending.mine(ctx, 'grp-dm');
    if (!p) return next();
    if (!canChange(ctx)) {
      await pending.clear(ctx);
      await ctx.reply(ctx.t('viewer-read-only'));
      return;
    }
    const user = await ctx.deps.services.subscribers.get(Number(p.userId));
    if (!user) {
      await pending.clear(ctx);
      await ctx.reply(ctx.t('groups-user-gone'));
      return;
    }
    const text = clip(ctx.message.text, 4096);
    await pending.set(ctx, { kind: 'grp-dm-confirm', chatId: Number(p.chatId), userId: user.id, text });
    await ctx.reply(ctx.t('groups-dm-confirm', { name: fullName(user) || String(user.id), text }), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('groups-btn-dm-send'), await arm(ctx, `grp:my:${p.chatId}:${user.id}`))
        .text(ctx.t('groups-btn-no'), `grp:u:${p.chatId}:${user.id}`),
    });
  });

  return composer;
}
