import { createConversation } from '@grammyjs/conversations';
import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import type { WizardDeps } from '../conversations/campaign-draft.js';
import {
  createNewCampaignConversation,
  NEW_CAMPAIGN,
  type NewCampaignArgs,
  wizardContext,
} from '../conversations/new-campaign.js';
import { TRAINING } from '../conversations/training.js';
import type { WizardContext } from '../conversations/wizard-kit.js';
import { canChange, isAdmin } from '../filters.js';

/**
 * Starts the wizard: /newcampaign, the home button, and "Start campaign from template" (the
 * templates feature calls this with the template's key).
 */
export async function enterNewCampaign(ctx: BotContext, args: NewCampaignArgs = {}): Promise<void> {
  if (!canChange(ctx)) {
    await ctx.reply(ctx.t(ctx.role === 'viewer' ? 'viewer-read-only' : 'not-allowed'));
    return;
  }
  const active = ctx.conversation.active();
  if (Object.values(active).some((n) => n > 0)) {
    await ctx.reply(ctx.t((active[NEW_CAMPAIGN] ?? 0) > 0 ? 'wizard-already-running' : 'wizard-busy'));
    return;
  }
  await ctx.conversation.enter(NEW_CAMPAIGN, args);
}

/**
 * The /newcampaign wizard and /cancel. Registered before the other features: while the wizard runs it
 * receives the admin's messages and presses first (it is modal; /cancel always gets through because it
 * is handled here, before the conversation).
 */
export function newCampaignFeature(deps: WizardDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);

  feature.command('cancel', async (ctx) => {
    const running = Object.values(ctx.conversation.active()).some((n) => n > 0);
    if (!running) {
      await ctx.reply(ctx.t('wizard-nothing-to-cancel'));
      return;
    }
    const training = (ctx.conversation.active()[TRAINING] ?? 0) > 0;
    await ctx.conversation.exitAll();
    await ctx.reply(ctx.t(training ? 'training-closed' : 'wizard-cancelled'));
  });

  feature.use(
    createConversation<BotContext, WizardContext>(createNewCampaignConversation(deps), {
      id: NEW_CAMPAIGN,
      plugins: (conversation) => [wizardContext(conversation, deps)],
    }),
  );

  feature.command('newcampaign', (ctx) => enterNewCampaign(ctx));
  feature.callbackQuery('home:newcampaign', async (ctx) => {
    await ctx.answerCallbackQuery();
    await enterNewCampaign(ctx);
  });

  return composer;
}
