import { type Api, GrammyError, InlineKeyboard } from 'grammy';
import { percent } from '../domain/training.js';
import type { Logger } from '../logger.js';
import type { RoutedReply, Services } from '../services/index.js';
import { clip } from './features/screen.js';
import type { Translate } from './i18n.js';

export interface TrainingRouterDeps {
  /** a plain Api (main.ts's sender); works in any role, not only where the bot polls */
  api: Api;
  translate: Translate;
  services: Pick<Services, 'admins'>;
  logger: Logger;
}

/**
 * Sends a reply the model could not answer to every admin who may change things (owners and admins,
 * not viewers), in their language, with an ✍️ Answer button that the training feature handles.
 */
export function createTrainingRouter({ api, translate, services, logger }: TrainingRouterDeps) {
  return async (reply: RoutedReply): Promise<void> => {
    const admins = (await services.admins.list()).filter((a) => a.role === 'owner' || a.role === 'admin');
    for (const admin of admins) {
      const locale = (await services.admins.languageOf(admin.id)) ?? '';
      const t = (key: string, params?: Record<string, string | number>) => translate(locale, key, params);
      const text = t('training-routed', {
        id: reply.campaignId,
        name: reply.campaignName,
        platform: t('campaigns-platform', { platform: reply.platform }),
        from: reply.from,
        text: reply.text,
        reason: t('training-routed-reason', {
          reason: reply.reason,
          intent: reply.intent ?? '—',
          confidence: percent(reply.confidence),
        }),
      });
      try {
        await api.sendMessage(admin.id, clip(text), {
          reply_markup: new InlineKeyboard().text(t('training-btn-answer'), `tr:ans:${reply.id}`),
          link_preview_options: { is_disabled: true },
        });
      } catch (err) {
        // An admin who never opened the bot (or blocked it) must not stop the others from hearing.
        if (!(err instanceof GrammyError)) throw err;
        logger.warn({ adminId: admin.id, error: err.description }, 'routed reply not delivered to an admin');
      }
    }
  };
}
