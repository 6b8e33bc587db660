import { createConversation } from '@grammyjs/conversations';
import { Composer, type Filter, GrammyError } from 'grammy';
import type { Message } from 'grammy/types';
import { DomainError } from '../../domain/errors.js';
import type { ReplyMedia } from '../../services/index.js';
import type { BotContext } from '../context.js';
import type { WizardDeps } from '../conversations/campaign-draft.js';
import { wizardContext } from '../conversations/new-campaign.js';
import { createTrainingConversation, TRAINING, type TrainingArgs } from '../conversations/training.js';
import type { WizardContext } from '../conversations/wizard-kit.js';
import { canChange, isAdmin } from '../filters.js';
import { cancelKeyboard, createPendingInput } from './pending-input.js';
import { errorText, pressed } from './screen.js';

/** Opens the training screen of a campaign (/training <id>, the card's 🧠 Training button). */
export async function enterTraining(ctx: BotContext, campaignId: number): Promise<void> {
  if (!canChange(ctx)) {
    await ctx.reply(ctx.t(ctx.role === 'viewer' ? 'viewer-read-only' : 'not-allowed'));
    return;
  }
  if (Object.values(ctx.conversation.active()).some((n) => n > 0)) {
    await ctx.reply(ctx.t('training-other-wizard'));
    return;
  }
  try {
    // Refuse at once (unknown id, a groups-only Telegram campaign) rather than inside the conversation.
    await ctx.deps.services.training.get(campaignId);
  } catch (err) {
    await ctx.reply(errorText(ctx, err));
    return;
  }
  await ctx.conversation.enter(TRAINING, { campaignId } satisfies TrainingArgs);
}

/**
 * Training: the /training conversation, the "Answer" button on replies routed to the admins, and
 * the admins' typed answers. Registered right after the /newcampaign wizard, before other features.
 */
export function trainingFeature(deps: WizardDeps, storagePrefix?: string): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);
  const pending = createPendingInput(storagePrefix);

  feature.use(
    createConversation<BotContext, WizardContext>(createTrainingConversation(deps), {
      id: TRAINING,
      plugins: (conversation) => [wizardContext(conversation, deps)],
    }),
  );

  feature.command('training', async (ctx) => {
    const arg = ctx.match.trim().replace(/^#/, '');
    if (!/^\d{1,9}$/.test(arg)) {
      await ctx.reply(ctx.t('training-usage'));
      return;
    }
    await enterTraining(ctx, Number(arg));
  });

  feature.callbackQuery(/^tr:open:(\d{1,9})$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await enterTraining(ctx, Number(ctx.match[1]));
  });

  feature.callbackQuery(
    /^tr:ans:([0-9a-f]{24})$/,
    pressed(async (ctx) => {
      if (!canChange(ctx)) {
        return { text: ctx.t(ctx.role === 'viewer' ? 'viewer-read-only' : 'not-allowed'), alert: true };
      }
      const id = ctx.match[1]!;
      const item = await ctx.deps.services.training.inboxItem(id);
      if (item.answered) return { text: ctx.t('error-training-already-answered') };
      await pending.set(ctx, { kind: 'tr-answer', id });
      await ctx.reply(ctx.t('training-answer-ask', { text: item.text }), {
        reply_markup: cancelKeyboard(ctx),
      });
      return undefined;
    }),
  );

  feature.on('message:text', async (ctx, next) => {
    if (ctx.message.text.startsWith('/')) return next();
    const question = await pending.mine(ctx, 'tr-');
    if (!question || typeof question.id !== 'string') return next();
    if (!canChange(ctx)) {
      await pending.clear(ctx);
      return next();
    }
    const { training } = ctx.deps.services;
    let item: Awaited<ReturnType<typeof training.answer>>;
    try {
      item = await training.answer(question.id, ctx.message.text, ctx.from.id);
    } catch (err) {
      // Too long or empty: the question stays open, so the admin can send a shorter text.
      if (err instanceof DomainError && err.code.startsWith('training-response')) {
        await ctx.reply(errorText(ctx, err), { reply_markup: cancelKeyboard(ctx) });
        return;
      }
      await pending.clear(ctx);
      await ctx.reply(errorText(ctx, err));
      return;
    }
    await pending.clear(ctx);
    if (item.platform === 'whatsapp') {
      await ctx.reply(ctx.t('training-answer-queued'));
      return;
    }
    try {
      await ctx.api.sendMessage(item.chatId!, ctx.message.text.trim());
      await training.answerSent(item.id, true);
      await ctx.reply(ctx.t('training-answer-sent'));
    } catch (err) {
      if (!(err instanceof GrammyError)) throw err;
      await training.answerSent(item.id, false);
      await ctx.reply(ctx.t('training-answer-failed', { error: err.description }));
    }
  });

  return composer;
}

/** What a non-text message is, for 💬 Replies; undefined for text (and service messages). */
function replyMedia(m: Message): ReplyMedia | undefined {
  if (m.text !== undefined) return undefined;
  if (m.photo) return 'photo';
  if (m.video_note) return 'video_note';
  if (m.animation) return 'animation';
  if (m.video) return 'video';
  if (m.voice) return 'voice';
  if (m.audio) return 'audio';
  if (m.sticker) return 'sticker';
  if (m.document) return 'document';
  if (m.location || m.venue) return 'location';
  if (m.contact) return 'contact';
  if (m.poll || m.dice || m.story) return 'other';
  return undefined;
}

/**
 * A subscriber's private message (not a command; text, or a photo, voice, sticker… with or without a
 * caption): recorded as a response to the campaign that last reached them, then answered
 * automatically when that campaign is trained and the reply has words. Anything that is not a
 * response goes on to the next handler.
 */
export async function subscriberReply(
  ctx: Filter<BotContext, 'message'>,
  next: () => Promise<void>,
): Promise<void> {
  const media = replyMedia(ctx.message);
  const text = ctx.message.text ?? ctx.message.caption ?? '';
  if (ctx.message.text === undefined && !media) return next();
  if (ctx.message.text?.startsWith('/')) return next();
  const { responses, training } = ctx.deps.services;
  const reply = {
    platform: 'telegram' as const,
    chatId: ctx.chat.id,
    text,
    ...(media ? { media } : {}),
    // Now rather than the message's whole-second date: a reply must not look older than the delivery.
    at: new Date(),
    messageId: String(ctx.message.message_id),
  };
  const recorded = await responses.record(reply);
  if (!recorded) return next();
  const outcome = await training.handleReply(reply, recorded);
  if (outcome.text) await ctx.reply(outcome.text, { link_preview_options: { is_disabled: true } });
  else await ctx.reply(ctx.t(outcome.routed ? 'training-reply-forwarded' : 'training-reply-received'));
}
