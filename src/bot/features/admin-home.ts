import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.js';
import { isAdmin } from '../filters.js';

/** What an admin sees on /start and /help: the commands, one tap away. */
export function adminHomeFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);

  const home = async (ctx: BotContext) => {
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
  };
  feature.command(['start', 'help'], home);
  return composer;
}
