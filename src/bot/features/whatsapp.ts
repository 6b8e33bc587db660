import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { isAdmin } from '../filters.js';

/** /whatsapp: the WhatsApp connection (QR login, session state) comes with the WhatsApp role. */
export function whatsappFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);

  feature.command('whatsapp', (ctx) => ctx.reply(ctx.t('whatsapp-not-available')));
  feature.callbackQuery('home:whatsapp', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('whatsapp-not-available'));
  });

  return composer;
}
