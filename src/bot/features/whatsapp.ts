import { Composer, InlineKeyboard } from 'grammy';
import { maskPhone } from '../../logger.js';
import {
  createWhatsAppLink,
  InvalidPhoneError,
  normalizePhone,
  type WhatsAppLink,
  type WhatsAppStatus,
} from '../../services/whatsapp.service.js';
import { arm, armedPattern, disarm } from '../armed-actions.js';
import type { BotContext } from '../context.js';
import { canChange, isAdmin } from '../filters.js';
import { cancelKeyboard, createPendingInput } from './pending-input.js';

const LIVE = ['starting', 'qr', 'authenticated', 'ready'];

/**
 * /whatsapp: the connection of the whatsapp role (possibly another process), read from Redis, and
 * the commands sent to it through Redis: connect (QR), pairing code, logout. Also the test number
 * and the go-ahead after a campaign's test message.
 */
export function whatsappFeature(storagePrefix?: string): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const pending = createPendingInput(storagePrefix);
  const links = new WeakMap<object, WhatsAppLink>();
  const linkOf = (ctx: BotContext): WhatsAppLink => {
    let link = links.get(ctx.deps.redis);
    if (!link) {
      link = createWhatsAppLink(ctx.deps.redis, storagePrefix);
      links.set(ctx.deps.redis, link);
    }
    return link;
  };

  // Someone who is not an admin pressed one of our buttons (a forwarded message, an old admin).
  composer
    .drop(isAdmin)
    .callbackQuery(/^wa:/, (ctx) =>
      ctx.answerCallbackQuery({ text: ctx.t('whatsapp-admins-only'), show_alert: true }),
    );

  const feature = composer.chatType('private').filter(isAdmin);

  const statusText = async (ctx: BotContext, status: WhatsAppStatus) => {
    const testPhone = ctx.from ? await ctx.deps.services.whatsapp.testPhoneOf(ctx.from.id) : undefined;
    const lines = [
      ctx.t('whatsapp-title'),
      ctx.t('whatsapp-state', { state: ctx.t(`whatsapp-state-${status.state}`) }),
    ];
    if (status.account && status.state === 'ready')
      lines.push(ctx.t('whatsapp-account', { account: status.account }));
    if (status.reason && status.state !== 'ready') {
      const known = `whatsapp-reason-${status.reason}`;
      const reason = ctx.t(known);
      lines.push(ctx.t('whatsapp-last-reason', { reason: reason === known ? status.reason : reason }));
    }
    lines.push(
      testPhone
        ? ctx.t('whatsapp-test-phone', { phone: maskPhone(testPhone) })
        : ctx.t('whatsapp-test-phone-none'),
    );
    if (status.state === 'qr') lines.push(ctx.t('whatsapp-qr-hint'));
    return lines.join('\n');
  };

  const keyboard = (ctx: BotContext, status: WhatsAppStatus) => {
    const kb = new InlineKeyboard();
    if (!canChange(ctx)) return kb.text(ctx.t('whatsapp-btn-refresh'), 'wa:refresh');
    if (!LIVE.includes(status.state)) kb.text(ctx.t('whatsapp-btn-connect'), 'wa:connect');
    if (status.state === 'qr') kb.text(ctx.t('whatsapp-btn-pair'), 'wa:pair');
    if (status.state === 'ready') kb.text(ctx.t('whatsapp-btn-logout'), 'wa:logout');
    kb.row()
      .text(ctx.t('whatsapp-btn-test-phone'), 'wa:test')
      .text(ctx.t('whatsapp-btn-refresh'), 'wa:refresh');
    return kb;
  };

  const show = async (ctx: BotContext) => {
    const status = await linkOf(ctx).status();
    await ctx.reply(await statusText(ctx, status), { reply_markup: keyboard(ctx, status) });
  };

  feature.command('whatsapp', show);
  feature.callbackQuery(['home:whatsapp', 'wa:refresh'], async (ctx) => {
    await ctx.answerCallbackQuery();
    await show(ctx);
  });

  /** Viewers see the state but change nothing. */
  const guard = async (ctx: BotContext): Promise<boolean> => {
    if (canChange(ctx)) return true;
    await ctx.answerCallbackQuery({ text: ctx.t('whatsapp-viewers-read-only'), show_alert: true });
    return false;
  };

  feature.callbackQuery('wa:connect', async (ctx) => {
    if (!(await guard(ctx))) return;
    await ctx.answerCallbackQuery();
    const status = await linkOf(ctx).status();
    if (LIVE.includes(status.state)) {
      await ctx.reply(ctx.t('whatsapp-already', { state: ctx.t(`whatsapp-state-${status.state}`) }));
      return;
    }
    await linkOf(ctx).send({ type: 'connect', by: ctx.from.id, at: Date.now() });
    await ctx.reply(
      ctx.t(status.state === 'offline' ? 'whatsapp-connect-queued-offline' : 'whatsapp-connect-requested'),
    );
  });

  feature.callbackQuery('wa:pair', async (ctx) => {
    if (!(await guard(ctx))) return;
    await ctx.answerCallbackQuery();
    const status = await linkOf(ctx).status();
    if (status.state !== 'qr') {
      await ctx.reply(ctx.t('whatsapp-pair-unavailable'));
      return;
    }
    await pending.set(ctx, { kind: 'wa-pair' });
    await ctx.reply(ctx.t('whatsapp-pair-prompt'), { reply_markup: cancelKeyboard(ctx) });
  });

  feature.callbackQuery('wa:test', async (ctx) => {
    if (!(await guard(ctx))) return;
    await ctx.answerCallbackQuery();
    await pending.set(ctx, { kind: 'wa-test' });
    await ctx.reply(ctx.t('whatsapp-test-phone-prompt'), { reply_markup: cancelKeyboard(ctx) });
  });

  feature.callbackQuery('wa:logout', async (ctx) => {
    if (!(await guard(ctx))) return;
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('whatsapp-logout-confirm'), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('whatsapp-btn-logout-yes'), await arm(ctx, 'wa:logout:yes'))
        .text(ctx.t('whatsapp-btn-back'), 'wa:refresh'),
    });
  });

  feature.callbackQuery(armedPattern(/^wa:logout:yes$/), async (ctx) => {
    if (!(await guard(ctx))) return;
    if (!(await disarm(ctx))) {
      await ctx.answerCallbackQuery({ text: ctx.t('button-expired'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const status = await linkOf(ctx).status();
    if (status.state !== 'ready') {
      await ctx.reply(ctx.t('whatsapp-not-connected'));
      return;
    }
    await linkOf(ctx).send({ type: 'logout', by: ctx.from.id, at: Date.now() });
    await ctx.reply(ctx.t('whatsapp-logout-requested'));
  });

  // The go-ahead after a campaign's test message (wa:go:<campaign>:<run>, sent by the whatsapp run)
  // asks once more: what sends is the confirmation the bot shows this admin.
  feature.callbackQuery(/^wa:go:(\d+):(\d+)$/, async (ctx) => {
    if (!(await guard(ctx))) return;
    await ctx.answerCallbackQuery();
    const [, id, run] = ctx.match as unknown as [string, string, string];
    await ctx.reply(ctx.t('whatsapp-go-confirm', { id }), {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('whatsapp-btn-go-yes'), await arm(ctx, `wa:goy:${id}:${run}`))
        .text(ctx.t('whatsapp-btn-back'), 'wa:refresh'),
    });
  });

  feature.callbackQuery(armedPattern(/^wa:goy:(\d+):(\d+)$/), async (ctx) => {
    if (!(await guard(ctx))) return;
    if (!(await disarm(ctx))) {
      await ctx.answerCallbackQuery({ text: ctx.t('button-expired'), show_alert: true });
      return;
    }
    const campaignId = Number(ctx.match[1]);
    const run = Number(ctx.match[2]);
    const ok = await ctx.deps.services.whatsapp.approveTest(campaignId, run);
    if (!ok) {
      await ctx.answerCallbackQuery({ text: ctx.t('whatsapp-button-outdated'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t('whatsapp-test-approved', { id: String(campaignId) }));
  });

  feature.callbackQuery(/^wa:/, (ctx) =>
    ctx.answerCallbackQuery({ text: ctx.t('whatsapp-button-outdated'), show_alert: true }),
  );

  feature.on('message:text', async (ctx, next) => {
    const question = await pending.mine(ctx, 'wa-');
    if (!question || ctx.message.text.startsWith('/')) return next();
    const input = ctx.message.text.trim();
    if (question.kind === 'wa-pair') {
      const phone = normalizePhone(input);
      if (!phone) {
        await ctx.reply(ctx.t('whatsapp-invalid-phone', { input: input.slice(0, 40) }), {
          reply_markup: cancelKeyboard(ctx),
        });
        return;
      }
      await pending.clear(ctx);
      await linkOf(ctx).send({ type: 'pair', by: ctx.from.id, at: Date.now(), phone });
      await ctx.reply(ctx.t('whatsapp-pair-requested', { phone: maskPhone(phone) }));
      return;
    }
    if (question.kind === 'wa-test') {
      try {
        const phone = await ctx.deps.services.whatsapp.setTestPhone(ctx.from.id, input);
        await pending.clear(ctx);
        await ctx.reply(ctx.t('whatsapp-test-phone-saved', { phone: maskPhone(phone) }));
      } catch (err) {
        if (!(err instanceof InvalidPhoneError)) throw err;
        await ctx.reply(ctx.t('whatsapp-invalid-phone', { input: input.slice(0, 40) }), {
          reply_markup: cancelKeyboard(ctx),
        });
      }
      return;
    }
    return next();
  });

  return composer;
}
