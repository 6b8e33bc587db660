import { Composer, InlineKeyboard } from 'grammy';
import { DomainError } from '../../domain/errors.js';
import { COMMON_ZONES, formatInZone } from '../../domain/schedule.js';
import type { AdminView } from '../../services/index.js';
import { arm, armedPattern, disarm, expiredAnswer } from '../armed-actions.js';
import type { BotContext } from '../context.js';
import { isAdmin, isOwner } from '../filters.js';
import { isLocale, LOCALES } from '../i18n.js';
import { cancelKeyboard, createPendingInput } from './pending-input.js';
import { errorText, type PressAnswer, pressed, show } from './screen.js';

type Role = AdminView['role'];
const ROLE_CODES: Record<string, Role> = { o: 'owner', a: 'admin', v: 'viewer' };
const CODE_OF_ROLE: Record<Role, string> = { owner: 'o', admin: 'a', viewer: 'v' };
/** Telegram user ids are positive and (for now) below 2^52. */
const USER_ID = /^(\d{1,15})(?:\s+(.+))?$/;

/** /settings: the admins and their roles (owners manage them), and each admin's language and zone. */
export function settingsFeature(storagePrefix = 'mb:'): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);
  const pending = createPendingInput(storagePrefix);
  const me = (ctx: BotContext) => ctx.from?.id ?? 0;

  const adminLine = (ctx: BotContext, a: AdminView) =>
    ctx.t(a.fromConfig ? 'settings-admin-line-config' : 'settings-admin-line', {
      id: String(a.id),
      name: a.name ? ` ${a.name}` : '',
      role: ctx.t(`role-${a.role}`),
    });

  async function home(ctx: BotContext, opts: { notice?: string; send?: boolean } = {}): Promise<void> {
    const services = ctx.deps.services;
    const [admins, zone, language] = await Promise.all([
      services.admins.list(),
      services.admins.timeZoneOf(me(ctx)),
      ctx.i18n.getLocale(),
    ]);
    const lines: string[] = [];
    if (opts.notice) lines.push(opts.notice, '');
    lines.push(ctx.t('settings-title'), '', ctx.t('settings-admins-title'));
    for (const a of admins) lines.push(adminLine(ctx, a));
    lines.push(
      '',
      ctx.t('settings-your-language', { language: ctx.t(`settings-language-${language}`) }),
      ctx.t('settings-your-zone', { zone, now: formatInZone(new Date(), zone) }),
    );
    if (!isOwner(ctx)) lines.push('', ctx.t('settings-owner-only-note'));
    const keyboard = new InlineKeyboard()
      .text(ctx.t('settings-btn-language'), 'set:l')
      .text(ctx.t('settings-btn-zone'), 'set:z')
      .row();
    if (isOwner(ctx)) {
      keyboard.text(ctx.t('settings-btn-add'), 'set:add').row();
      for (const a of admins.filter((x) => !x.fromConfig)) {
        keyboard.text(`✏️ ${adminLine(ctx, a)}`.slice(0, 60), `set:a:${a.id}`).row();
      }
    }
    await show(ctx, lines.join('\n'), keyboard, opts);
  }

  async function adminScreen(ctx: BotContext, id: number, notice?: string): Promise<PressAnswer | undefined> {
    const admin = (await ctx.deps.services.admins.list()).find((a) => a.id === id);
    if (!admin) {
      await home(ctx);
      return { text: ctx.t('settings-admin-gone', { id: String(id) }), alert: true };
    }
    const lines = notice ? [notice, ''] : [];
    lines.push(adminLine(ctx, admin));
    if (admin.fromConfig) lines.push(ctx.t('settings-config-owner'));
    const keyboard = new InlineKeyboard();
    if (!admin.fromConfig) {
      for (const role of ['owner', 'admin', 'viewer'] as const) {
        keyboard.text(
          `${admin.role === role ? '• ' : ''}${ctx.t(`role-${role}`)}`,
          await arm(ctx, `set:r:${id}:${CODE_OF_ROLE[role]}`),
        );
      }
      keyboard.row().text(ctx.t('settings-btn-remove'), `set:d:${id}`).row();
    }
    keyboard.text(ctx.t('settings-btn-back'), 'set:h');
    await show(ctx, lines.join('\n'), keyboard);
    return undefined;
  }

  feature.command('settings', async (ctx) => {
    await pending.clear(ctx);
    await home(ctx);
  });
  feature.callbackQuery(
    'home:settings',
    pressed(async (ctx) => {
      await pending.clear(ctx);
      await home(ctx, { send: true });
    }),
  );
  feature.callbackQuery(
    'set:h',
    pressed(async (ctx) => {
      if (await pending.mine(ctx, 'set-')) await pending.clear(ctx);
      await home(ctx);
    }),
  );

  // ---------- language and time zone (every admin, viewers too) ----------

  feature.callbackQuery(
    'set:l',
    pressed(async (ctx) => {
      const keyboard = new InlineKeyboard();
      for (const locale of LOCALES) keyboard.text(ctx.t(`settings-language-${locale}`), `set:l:${locale}`);
      keyboard.row().text(ctx.t('settings-btn-back'), 'set:h');
      await show(ctx, ctx.t('settings-language-title'), keyboard);
    }),
  );
  feature.callbackQuery(
    /^set:l:(\w+)$/,
    pressed(async (ctx) => {
      const locale = ctx.match[1];
      if (!isLocale(locale)) return { text: ctx.t('outdated-button') };
      await ctx.deps.services.admins.setLanguage(me(ctx), locale);
      ctx.i18n.useLocale(locale);
      const notice = ctx.t('settings-language-set', { language: ctx.t(`settings-language-${locale}`) });
      await home(ctx, { notice });
      return { text: notice };
    }),
  );

  feature.callbackQuery(
    'set:z',
    pressed(async (ctx) => {
      const zone = await ctx.deps.services.admins.timeZoneOf(me(ctx));
      const keyboard = new InlineKeyboard();
      COMMON_ZONES.forEach((z, i) => {
        keyboard.text(`${z === zone ? '• ' : ''}${z}`, `set:z:${i}`);
        if (i % 2 === 1) keyboard.row();
      });
      keyboard.row().text(ctx.t('settings-btn-back'), 'set:h');
      await pending.set(ctx, { kind: 'set-zone' });
      await show(ctx, ctx.t('settings-zone-title', { zone, now: formatInZone(new Date(), zone) }), keyboard);
    }),
  );

  async function setZone(ctx: BotContext, input: string): Promise<string> {
    const zone = await ctx.deps.services.admins.setTimeZone(me(ctx), input);
    return ctx.t('settings-zone-set', { zone, now: formatInZone(new Date(), zone) });
  }

  feature.callbackQuery(
    /^set:z:(\d+)$/,
    pressed(async (ctx) => {
      const zone = COMMON_ZONES[Number(ctx.match[1])];
      if (!zone) return { text: ctx.t('outdated-button') };
      if (await pending.mine(ctx, 'set-zone')) await pending.clear(ctx);
      const notice = await setZone(ctx, zone);
      await home(ctx, { notice });
      return { text: notice };
    }),
  );

  // ---------- admins (owners only) ----------

  const ownersOnly = (ctx: BotContext): PressAnswer | undefined =>
    isOwner(ctx) ? undefined : { text: ctx.t('settings-owner-only'), alert: true };

  feature.callbackQuery(
    'set:add',
    pressed(async (ctx) => {
      const refusal = ownersOnly(ctx);
      if (refusal) return refusal;
      await pending.set(ctx, { kind: 'set-add' });
      await ctx.reply(ctx.t('settings-add-prompt'), { reply_markup: cancelKeyboard(ctx) });
      return undefined;
    }),
  );

  // Valid only as the answer to the role question this owner was asked after typing the id.
  feature.callbackQuery(
    armedPattern(/^set:ar:(\d+):([oav])$/),
    pressed(async (ctx) => {
      const refusal = ownersOnly(ctx);
      if (refusal) return refusal;
      if (!(await disarm(ctx))) return expiredAnswer(ctx);
      const id = Number(ctx.match[1]);
      const role = ROLE_CODES[ctx.match[2]!]!;
      const p = await pending.mine(ctx, 'set-add-role');
      const name = p && p.userId === id && typeof p.name === 'string' ? p.name : undefined;
      if (p) await pending.clear(ctx);
      await ctx.deps.services.admins.add(me(ctx), id, role, name);
      const notice = ctx.t('settings-added', { id: String(id), role: ctx.t(`role-${role}`) });
      // They learn it at once if they have talked to the bot before; otherwise on their next /start.
      await ctx.api
        .sendMessage(id, ctx.t('settings-you-were-added', { role: ctx.t(`role-${role}`) }))
        .catch(() => undefined);
      await home(ctx, { notice });
      return { text: notice };
    }),
  );

  feature.callbackQuery(
    /^set:a:(\d+)$/,
    pressed(async (ctx) => ownersOnly(ctx) ?? adminScreen(ctx, Number(ctx.match[1]))),
  );

  feature.callbackQuery(
    armedPattern(/^set:r:(\d+):([oav])$/),
    pressed(async (ctx) => {
      const refusal = ownersOnly(ctx);
      if (refusal) return refusal;
      if (!(await disarm(ctx))) return expiredAnswer(ctx);
      const id = Number(ctx.match[1]);
      const role = ROLE_CODES[ctx.match[2]!]!;
      await ctx.deps.services.admins.changeRole(me(ctx), id, role);
      return adminScreen(
        ctx,
        id,
        ctx.t('settings-role-changed', { id: String(id), role: ctx.t(`role-${role}`) }),
      );
    }),
  );

  feature.callbackQuery(
    /^set:d:(\d+)$/,
    pressed(async (ctx) => {
      const refusal = ownersOnly(ctx);
      if (refusal) return refusal;
      const id = Number(ctx.match[1]);
      const admin = (await ctx.deps.services.admins.list()).find((a) => a.id === id);
      if (!admin) return adminScreen(ctx, id);
      if (admin.fromConfig) return { text: ctx.t('settings-config-owner'), alert: true };
      await show(
        ctx,
        ctx.t('settings-remove-confirm', { line: adminLine(ctx, admin) }),
        new InlineKeyboard()
          .text(ctx.t('settings-btn-remove-yes'), await arm(ctx, `set:dy:${id}`))
          .text(ctx.t('settings-btn-no'), `set:a:${id}`),
      );
      return undefined;
    }),
  );

  feature.callbackQuery(
    armedPattern(/^set:dy:(\d+)$/),
    pressed(async (ctx) => {
      const refusal = ownersOnly(ctx);
      if (refusal) return refusal;
      if (!(await disarm(ctx))) return expiredAnswer(ctx);
      const id = Number(ctx.match[1]);
      const removed = await ctx.deps.services.admins.remove(me(ctx), id);
      const notice = ctx.t(removed ? 'settings-removed' : 'settings-admin-gone', { id: String(id) });
      await home(ctx, { notice });
      return { text: notice };
    }),
  );

  // ---------- typed answers ----------

  feature.on('message:text', async (ctx, next) => {
    const text = ctx.message.text.trim();
    if (text.startsWith('/')) return next();
    const p = await pending.mine(ctx, 'set-');
    if (!p) return next();
    try {
      if (p.kind === 'set-zone') {
        const notice = await setZone(ctx, text);
        await pending.clear(ctx);
        await home(ctx, { notice });
        return;
      }
      if (p.kind === 'set-add' || p.kind === 'set-add-role') {
        if (!isOwner(ctx)) {
          await pending.clear(ctx);
          await ctx.reply(ctx.t('settings-owner-only'));
          return;
        }
        const match = USER_ID.exec(text);
        const id = Number(match?.[1]);
        if (!match || !Number.isSafeInteger(id) || id <= 0) {
          await ctx.reply(ctx.t('settings-add-invalid', { input: text }));
          return;
        }
        if (ctx.deps.config.ADMIN_IDS.includes(id)) {
          await pending.clear(ctx);
          await ctx.reply(ctx.t('settings-config-owner'));
          return;
        }
        const name = match[2]?.trim().slice(0, 64);
        await pending.set(ctx, { kind: 'set-add-role', userId: id, ...(name ? { name } : {}) });
        const keyboard = new InlineKeyboard();
        for (const role of ['owner', 'admin', 'viewer'] as const) {
          keyboard.text(ctx.t(`role-${role}`), await arm(ctx, `set:ar:${id}:${CODE_OF_ROLE[role]}`));
        }
        keyboard.row().text(ctx.t('settings-btn-back'), 'set:h');
        await ctx.reply(ctx.t('settings-add-role', { id: String(id), name: name ? ` ${name}` : '' }), {
          reply_markup: keyboard,
        });
        return;
      }
      await next();
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await ctx.reply(ctx.t('settings-try-again', { error: errorText(ctx, err) }));
    }
  });

  return composer;
}
