import { type Api, InlineKeyboard } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import type { MessageButton, MessageMedia, TelegramSettings } from '../../domain/campaign.js';
import type { TelegramEntity } from '../../domain/message.js';
import { PermanentSendError, toSendError } from '../errors.js';

/** A campaign message ready for one chat: placeholders filled, formatting parsed into entities. */
export interface TelegramContent {
  text: string;
  entities: readonly TelegramEntity[];
  media?: MessageMedia;
  buttons?: readonly (readonly MessageButton[])[];
}

export type TelegramSendOptions = Pick<
  TelegramSettings,
  'disableLinkPreview' | 'disableNotification' | 'inlineKeyboard' | 'paidBroadcast'
>;

/**
 * What the dispatcher (and the test send) needs from Telegram. Every method throws a SendError
 * subclass (errors.ts), never a raw GrammyError.
 */
export interface TelegramMessenger {
  send(
    chatId: number,
    content: TelegramContent,
    options: TelegramSendOptions,
  ): Promise<{ messageId: number }>;
  pin(chatId: number, messageId: number, options: { disableNotification: boolean }): Promise<void>;
  /** Plain text to an admin (progress, summaries); no formatting, no preview. */
  sendText(chatId: number, text: string): Promise<{ messageId: number }>;
  editText(chatId: number, messageId: number, text: string): Promise<void>;
}

function keyboard(buttons: TelegramContent['buttons']): InlineKeyboard | undefined {
  if (!buttons || buttons.length === 0) return undefined;
  const kb = new InlineKeyboard();
  buttons.forEach((row, i) => {
    if (i > 0) kb.row();
    for (const b of row) kb.url(b.text, b.url);
  });
  return kb;
}

function entities(list: readonly TelegramEntity[]): MessageEntity[] | undefined {
  if (list.length === 0) return undefined;
  return list.map((e) =>
    e.type === 'text_link'
      ? { type: 'text_link', offset: e.offset, length: e.length, url: e.url ?? '' }
      : { type: e.type, offset: e.offset, length: e.length },
  );
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toSendError(err);
  }
}

/**
 * Telegram through grammY's Api. Pass an Api without the auto-retry transformer: the dispatcher
 * handles 429s itself, and a transformer that retries network errors could send twice.
 */
export function createTelegramMessenger(api: Api): TelegramMessenger {
  return {
    send(chatId, content, options) {
      const reply_markup = options.inlineKeyboard ? keyboard(content.buttons) : undefined;
      const common = {
        disable_notification: options.disableNotification,
        ...(options.paidBroadcast ? { allow_paid_broadcast: true } : {}),
        ...(reply_markup ? { reply_markup } : {}),
      };
      const media = content.media;
      if (media) {
        if (!media.fileId) {
          return Promise.reject(new PermanentSendError('content_rejected', 'media has no Telegram file_id'));
        }
        const caption =
          content.text === '' ? {} : { caption: content.text, caption_entities: entities(content.entities) };
        const fileId = media.fileId;
        return call(async () => {
          const m =
            media.kind === 'photo'
              ? await api.sendPhoto(chatId, fileId, { ...common, ...caption })
              : media.kind === 'video'
                ? await api.sendVideo(chatId, fileId, { ...common, ...caption })
                : await api.sendDocument(chatId, fileId, { ...common, ...caption });
          return { messageId: m.message_id };
        });
      }
      return call(async () => {
        const m = await api.sendMessage(chatId, content.text, {
          ...common,
          entities: entities(content.entities),
          link_preview_options: { is_disabled: options.disableLinkPreview },
        });
        return { messageId: m.message_id };
      });
    },
    pin(chatId, messageId, options) {
      return call(async () => {
        await api.pinChatMessage(chatId, messageId, { disable_notification: options.disableNotification });
      });
    },
    sendText(chatId, text) {
      return call(async () => {
        const m = await api.sendMessage(chatId, text, { link_preview_options: { is_disabled: true } });
        return { messageId: m.message_id };
      });
    },
    editText(chatId, messageId, text) {
      return call(async () => {
        await api.editMessageText(chatId, messageId, text, { link_preview_options: { is_disabled: true } });
      });
    },
  };
}
