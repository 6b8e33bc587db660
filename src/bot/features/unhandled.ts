import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { sendAdminHome } from './admin-home.js';

/** Registered last: whatever no feature took gets a short, specific answer instead of silence. */
export function unhandledFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.on('callback_query', async (ctx) => {
    // An outdated button (an old list, a finished wizard) or a forged press: change nothing, say so,
    // and give an admin the menu to start again from.
    const admin = ctx.role !== null && ctx.chat?.type === 'private';
    await ctx.answerCallbackQuery({ text: ctx.t(admin ? 'outdated-button-menu' : 'outdated-button') });
    if (admin) await sendAdminHome(ctx);
  });

  composer.chatType('private').on('message:text', async (ctx) => {
    if (ctx.message.text.startsWith('/')) {
      await ctx.reply(ctx.t('unknown-command', { command: ctx.message.text.split(/[\s@]/)[0] ?? '' }));
    } else {
      await ctx.reply(ctx.t(ctx.role ? 'admin-unknown-text' : 'subscriber-unknown-text'));
    }
  });

  composer
    .chatType('private')
    .on('message', (ctx) => ctx.reply(ctx.t(ctx.role ? 'admin-unknown-text' : 'subscriber-unknown-text')));

  return composer;
}
