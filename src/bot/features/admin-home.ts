import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.js';
import { isAdmin } from '../filters.js';

/** What an admin sees on /start and /help: the commands, one tap away. */
export async function sendAdminHome(ctx: BotContext): Promise<void> {
  await ctx.reply(
    ctx.t('admin-home', { name: ctx.from?.first_name ?? '', role: ctx.t(`role-${ctx.role}`) }),
    {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('admin-home-new-campaign'), 'home:newcampaign')
        .text(ctx.t('admin-home-campaigns'), 'home:campaigns')
        .row()
        .text(ctx.t('admin-home-stats'), 'home:stats')
        .text(ctx.t('admin-home-groups'), 'home:groups')
        .row()
        .text(ctx.t('admin-home-contacts'), 'home:contacts')
        .text(ctx.t('admin-home-templates'), 'home:templates')
        .row()
        .text(ctx.t('admin-home-whatsapp'), 'home:whatsapp')
        .text(ctx.t('admin-home-settings'), 'home:settings'),
    },
  );
}

export function adminHomeFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType('private').filter(isAdmin).command(['start', 'help'], sendAdminHome);
  return composer;
}
