import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { LOCALES, type Translate } from './i18n.js';

const SUBSCRIBER_COMMANDS = ['start', 'stop', 'help'] as const;
const ADMIN_COMMANDS = [
  'newcampaign',
  'campaigns',
  'stats',
  'training',
  'groups',
  'contacts',
  'templates',
  'whatsapp',
  'settings',
  'cancel',
  'help',
] as const;

function list(names: readonly string[], locale: string, t: Translate): BotCommand[] {
  return names.map((command) => ({ command, description: t(locale, `command-${command}`) }));
}

/**
 * Menus per scope and language: everyone sees /start /stop /help; each admin's private chat shows the
 * admin list. Telegram picks the language by the client's language_code.
 */
export async function registerCommands(api: Api, adminIds: readonly number[], t: Translate): Promise<void> {
  for (const [index, locale] of LOCALES.entries()) {
    const language = index === 0 ? {} : { language_code: locale };
    await api.setMyCommands(list(SUBSCRIBER_COMMANDS, locale, t), {
      scope: { type: 'default' },
      ...language,
    });
    for (const chatId of adminIds) {
      await api.setMyCommands(list(ADMIN_COMMANDS, locale, t), {
        scope: { type: 'chat', chat_id: chatId },
        ...language,
      });
    }
  }
}
