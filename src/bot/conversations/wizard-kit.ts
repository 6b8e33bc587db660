import type { Conversation } from '@grammyjs/conversations';
import type { I18nFlavor } from '@grammyjs/i18n';
import { type Context, GrammyError, InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import type { AdminRole } from '../../domain/admin.js';
import type { MediaKind } from '../../domain/campaign.js';
import { DomainError } from '../../domain/errors.js';
import { formatFileSize, mediaKindFor } from '../../domain/message.js';
import type { Logger } from '../../logger.js';
import type { BotContext } from '../context.js';

/**
 * Context objects inside a conversation: i18n and the sender's role (set by plugins on every update),
 * but no ConversationFlavor and no deps: a conversation gets its services from its factory.
 */
export type WizardContext = Context & I18nFlavor & { role: AdminRole | null; log: Logger };
export type WizardConversation = Conversation<BotContext, WizardContext>;

type Params = Record<string, string | number>;

export interface Button {
  text: string;
  /** callback data without the `wz:` namespace */
  data: string;
}

export interface View {
  text: string;
  rows: Button[][];
  /** adds ⬅ Back next to ✖ Cancel */
  back?: boolean;
  /** presses the step answers itself (with a toast); all others are answered silently here */
  manualAck?: string[];
}

export interface IncomingMedia {
  kind: MediaKind;
  fileId: string;
  fileName?: string;
  mime: string;
  size: number;
}

export type Answer =
  | { kind: 'press'; action: string; arg: string }
  | { kind: 'text'; text: string }
  | { kind: 'media'; media: IncomingMedia; caption: string }
  | { kind: 'other' };

export const button = (text: string, action: string, arg?: string | number): Button => ({
  text,
  data: arg === undefined ? action : `${action}:${arg}`,
});

const PREFIX = 'wz:';

/** Telegram sends a photo in several sizes; the largest is the one to keep. */
function incomingMedia(message: Message): IncomingMedia | null {
  if (message.photo?.length) {
    const photo = message.photo[message.photo.length - 1]!;
    return { kind: 'photo', fileId: photo.file_id, mime: 'image/jpeg', size: photo.file_size ?? 0 };
  }
  const file = message.video ?? message.animation ?? message.document ?? message.audio ?? message.voice;
  if (!file) return null;
  const mime = file.mime_type ?? 'application/octet-stream';
  // A JPG or MP4 sent "as a file" is still a picture or a video; audio and voice never match a kind.
  const kind: MediaKind =
    message.video || message.animation
      ? 'video'
      : message.document
        ? (mediaKindFor(mime) ?? 'document')
        : 'document';
  const fileName = 'file_name' in file ? file.file_name : undefined;
  return { kind, fileId: file.file_id, mime, size: file.file_size ?? 0, ...(fileName ? { fileName } : {}) };
}

/**
 * One question at a time. Each question is a message with inline buttons; only the buttons of the
 * current question count (checked by message id, so a press on an older message, or on a message of
 * an earlier wizard, is "outdated" and changes nothing). Every update is read through here, so the
 * wizard is modal: other buttons and commands get a short "finish or /cancel" answer.
 */
export class Wizard {
  private promptId: number | undefined;
  /** the current question as last shown, to show again after a press on an older one */
  private prompt: { text: string; keyboard: InlineKeyboard } | undefined;
  private notes: string[] = [];

  constructor(
    private readonly conversation: WizardConversation,
    /** the latest update's context: its `t` follows the admin's language */
    public ctx: WizardContext,
    readonly chatId: number,
    /** what Cancel says and what a stray command is told (other wizards than /newcampaign) */
    private readonly texts: { cancelled: string; busy: string } = {
      cancelled: 'wizard-cancelled',
      busy: 'wizard-busy',
    },
  ) {}

  t(key: string, params?: Params): string {
    return this.ctx.t(key, params);
  }

  /** `error-<code>` for a domain error; anything else is a bug and goes up. */
  errorText(err: unknown): string {
    if (err instanceof DomainError) return this.errorFor(err.code, err.params);
    throw err;
  }

  errorFor(code: string, params: Params): string {
    if (code === 'media-too-large') {
      // Bytes mean nothing on a phone: "17.0 MB, the limit is 16.0 MB".
      params = { size: formatFileSize(Number(params.size)), limit: formatFileSize(Number(params.limit)) };
    }
    return this.t(`error-${code}`, params);
  }

  /** A line shown above the next question (what was just saved, a count…). */
  note(text: string): void {
    this.notes.push(text);
  }

  async say(text: string): Promise<void> {
    await this.ctx.api.sendMessage(this.chatId, text, { link_preview_options: { is_disabled: true } });
  }

  /** Sends (or, with `edit`, redraws in place) the question, then waits for a usable answer. */
  async ask(view: View, opts: { error?: string; edit?: boolean } = {}): Promise<Answer> {
    let text = view.text;
    if (this.notes.length > 0) text = `${this.notes.map((n) => `✅ ${n}`).join('\n')}\n\n${text}`;
    if (opts.error) text = `⚠️ ${opts.error}\n\n${text}`;
    this.notes = [];
    const keyboard = this.keyboard(view);
    this.prompt = { text, keyboard };
    if (opts.edit && this.promptId !== undefined) {
      try {
        await this.ctx.api.editMessageText(this.chatId, this.promptId, text, {
          reply_markup: keyboard,
          link_preview_options: { is_disabled: true },
        });
      } catch (err) {
        if (!(err instanceof GrammyError && err.description.includes('not modified'))) throw err;
      }
    } else {
      const sent = await this.ctx.api.sendMessage(this.chatId, text, {
        reply_markup: keyboard,
        link_preview_options: { is_disabled: true },
      });
      this.promptId = sent.message_id;
    }
    return this.next(view);
  }

  private keyboard(view: View): InlineKeyboard {
    const rows = view.rows.map((row) => row.map((b) => InlineKeyboard.text(b.text, PREFIX + b.data)));
    const nav = [InlineKeyboard.text(this.t('wizard-cancel'), `${PREFIX}cancel`)];
    if (view.back) nav.unshift(InlineKeyboard.text(this.t('wizard-back'), `${PREFIX}back`));
    return InlineKeyboard.from([...rows, nav]);
  }

  private async next(view: View): Promise<Answer> {
    const allowed = new Set(view.rows.flat().map((b) => b.data));
    allowed.add('cancel');
    if (view.back) allowed.add('back');
    for (;;) {
      const ctx = await this.conversation.wait();
      this.ctx = ctx;
      const query = ctx.callbackQuery;
      const message = ctx.message;
      if (!query && !message) await this.conversation.skip({ next: true });

      if (ctx.role !== 'owner' && ctx.role !== 'admin') {
        // Demoted mid-wizard: nothing of the draft may be saved by this person any more.
        const text = this.t(ctx.role === 'viewer' ? 'viewer-read-only' : 'not-allowed');
        if (query) await ctx.answerCallbackQuery({ text, show_alert: true });
        else await ctx.reply(text);
        await this.conversation.halt();
      }

      if (query) {
        const data = query.data ?? '';
        if (!data.startsWith(PREFIX)) {
          await ctx.answerCallbackQuery({ text: this.t(this.texts.busy), show_alert: true });
          continue;
        }
        const inner = data.slice(PREFIX.length);
        if (query.message?.message_id !== this.promptId || !allowed.has(inner)) {
          // A button of an earlier question: nothing changes, and the current one comes again.
          await ctx.answerCallbackQuery({ text: this.t('wizard-outdated-button') });
          await this.askAgain();
          continue;
        }
        if (inner === 'cancel') {
          await ctx.answerCallbackQuery();
          await this.cancel();
        }
        const colon = inner.indexOf(':');
        const action = colon === -1 ? inner : inner.slice(0, colon);
        if (!view.manualAck?.includes(action)) await ctx.answerCallbackQuery();
        return { kind: 'press', action, arg: colon === -1 ? '' : inner.slice(colon + 1) };
      }

      const msg = message!;
      if (msg.text?.startsWith('/')) {
        const command = msg.text.split(/[\s@]/)[0] ?? '';
        const again = command === '/newcampaign' && this.texts.busy === 'wizard-busy';
        await ctx.reply(this.t(again ? 'wizard-already-running' : this.texts.busy));
        continue;
      }
      if (msg.text !== undefined) return { kind: 'text', text: msg.text };
      const media = incomingMedia(msg);
      if (media) return { kind: 'media', media, caption: msg.caption ?? '' };
      return { kind: 'other' };
    }
  }

  private async askAgain(): Promise<void> {
    if (!this.prompt) return;
    const sent = await this.ctx.api.sendMessage(this.chatId, this.prompt.text, {
      reply_markup: this.prompt.keyboard,
      link_preview_options: { is_disabled: true },
    });
    this.promptId = sent.message_id;
  }

  /** Leaves the wizard; nothing was written before the final Save/Schedule/Send, so nothing stays. */
  async cancel(): Promise<never> {
    await this.say(this.t(this.texts.cancelled));
    return this.conversation.halt();
  }
}
