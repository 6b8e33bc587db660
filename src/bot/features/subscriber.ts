import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { isAdmin } from '../filters.js';
import { subscriberReply } from './training.js';

/** The subscriber side: anyone who is not an admin, in a private chat. */
export function subscriberFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').drop(isAdmin);

  feature.command('start', async (ctx) => {
    const already = await ctx.deps.services.subscribers.subscribe(ctx.from);
    await ctx.reply(
      ctx.t(already ? 'subscriber-start-again' : 'subscriber-start', { name: ctx.from.first_name }),
    );
  });

  feature.command('stop', async (ctx) => {
    const was = await ctx.deps.services.subscribers.unsubscribe(ctx.from.id);
    await ctx.reply(ctx.t(was ? 'subscriber-stopped' : 'subscriber-not-subscribed'));
  });

  feature.command('help', (ctx) => ctx.reply(ctx.t('subscriber-help')));

  // Anything else they write or send may answer a campaign: recorded, and auto-answered when it is
  // trained.
  feature.on('message', subscriberReply);

  return composer;
}
