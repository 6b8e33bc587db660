import { type Api, InlineKeyboard, InputFile } from 'grammy';
import type { Model } from 'mongoose';
import type { Models } from '../db/models.js';
import type { Translate } from '../dispatch/types.js';
import type { Logger } from '../logger.js';

export interface NotifierButton {
  text: string;
  data: string;
}

/**
 * Telegram messages from the whatsapp role to the admins: connection news, the QR as a PNG, the
 * pairing code, runs paused. Failures are logged and swallowed: a notice never breaks the session.
 */
export interface AdminNotifier {
  /** ADMIN_IDS plus the admins (role owner or admin) added in /settings, and `extra` */
  admins(extra?: readonly number[]): Promise<number[]>;
  localeOf(adminId: number): Promise<string>;
  /** translated for each admin */
  broadcast(key: string, params?: Record<string, string | number>, extra?: readonly number[]): Promise<void>;
  tell(adminId: number, key: string, params?: Record<string, string | number>): Promise<void>;
  text(chatId: number, text: string, buttons?: NotifierButton[][]): Promise<number | undefined>;
  photo(chatId: number, png: Buffer, caption: string): Promise<number | undefined>;
  remove(chatId: number, messageId: number): Promise<void>;
}

export interface AdminNotifierDeps {
  api: Api;
  models: Pick<Models, 'Admin'>;
  adminIds: readonly number[];
  translate: Translate;
  defaultLanguage: string;
  logger: Logger;
}

export function createAdminNotifier(deps: AdminNotifierDeps): AdminNotifier {
  const { api, logger } = deps;
  const Admin = deps.models.Admin as unknown as Model<Record<string, unknown>>;
  const warn = (what: string) => (err: unknown) => {
    logger.warn({ err, what }, 'admin notice failed');
    return undefined;
  };

  const notifier: AdminNotifier = {
    async admins(extra = []) {
      const added = await Admin.find({ role: { $in: ['owner', 'admin'] } }, { _id: 1 })
        .lean()
        .exec()
        .catch(() => []);
      return [...new Set([...deps.adminIds, ...added.map((d) => d._id as number), ...extra])];
    },

    async localeOf(adminId) {
      const doc = await Admin.findById(adminId, { language: 1 })
        .lean()
        .exec()
        .catch(() => null);
      return (doc?.language as string | undefined) ?? deps.defaultLanguage;
    },

    async broadcast(key, params = {}, extra = []) {
      for (const id of await notifier.admins(extra)) await notifier.tell(id, key, params);
    },

    async tell(adminId, key, params = {}) {
      const locale = await notifier.localeOf(adminId);
      await notifier.text(adminId, deps.translate(locale, key, params));
    },

    text(chatId, text, buttons) {
      let reply_markup: InlineKeyboard | undefined;
      if (buttons && buttons.length > 0) {
        reply_markup = new InlineKeyboard();
        buttons.forEach((row, i) => {
          if (i > 0) reply_markup?.row();
          for (const b of row) reply_markup?.text(b.text, b.data);
        });
      }
      return api
        .sendMessage(chatId, text, {
          link_preview_options: { is_disabled: true },
          ...(reply_markup ? { reply_markup } : {}),
        })
        .then((m) => m.message_id, warn('text'));
    },

    photo(chatId, png, caption) {
      return api
        .sendPhoto(chatId, new InputFile(png, 'whatsapp-qr.png'), { caption })
        .then((m) => m.message_id, warn('photo'));
    },

    async remove(chatId, messageId) {
      await api.deleteMessage(chatId, messageId).then(() => undefined, warn('delete'));
    },
  };
  return notifier;
}
