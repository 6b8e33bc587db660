import type { Models } from '../db/models.js';
import type { FailureReason } from '../domain/analytics.js';
import type {
  Message,
  MessageButton,
  MessageMedia,
  Platform,
  PlatformSettings,
  TelegramSettings,
} from '../domain/campaign.js';
import { DomainError, FeatureNotAvailableError, NotFoundError } from '../domain/errors.js';
import {
  fillPlaceholders,
  PER_RECIPIENT_PLACEHOLDERS,
  parseFormatting,
  type TelegramEntity,
} from '../domain/message.js';
import type { Logger } from '../logger.js';

/**
 * The part of the Telegram messenger a test send needs. The dispatcher's messenger
 * (dispatch/messengers/telegram.messenger.ts) has this shape; main.ts passes it in. Its errors
 * carry a failure `reason`.
 */
export interface TestMessenger {
  send(
    chatId: number,
    content: {
      text: string;
      entities: readonly TelegramEntity[];
      media?: MessageMedia;
      buttons?: readonly (readonly MessageButton[])[];
    },
    options: Pick<
      TelegramSettings,
      'disableLinkPreview' | 'disableNotification' | 'inlineKeyboard' | 'paidBroadcast'
    >,
  ): Promise<{ messageId: number }>;
}

export interface TestSendInput {
  platform: Platform;
  message: Message & { placeholders?: Record<string, string> | null };
  settings: PlatformSettings;
  /** the admin asking; the test goes to their private chat unless `chatIds` says otherwise */
  adminId: number;
  chatIds?: readonly number[];
}

export type TestSendResult =
  | { chatId: number; ok: true; messageId: number }
  | { chatId: number; ok: false; reason: FailureReason };

/** Nothing arrived anywhere; the bot shows `error-test-send-failed` with the reason. */
export class TestSendFailedError extends DomainError {
  constructor(readonly reason: FailureReason) {
    super('test-send-failed', `Test send failed: ${reason}`, { reason });
  }
}

export interface TestSenderDeps {
  models: Pick<Models, 'Campaign' | 'Subscriber' | 'Chat'>;
  messenger: TestMessenger;
  logger: Logger;
}

const reasonOf = (err: unknown): FailureReason => {
  const reason = (err as { reason?: unknown }).reason;
  return typeof reason === 'string' ? (reason as FailureReason) : 'unknown';
};

/**
 * Sends a campaign (or a draft's message) to the admin or chosen chats exactly as recipients would
 * see it, placeholders included. Nothing is recorded: no delivery, no counters, no limits taken
 * from the campaign's budget.
 */
export function createTestSender({ models, messenger, logger }: TestSenderDeps) {
  const nameOf = async (chatId: number): Promise<string | undefined> => {
    if (chatId > 0) {
      const s = await models.Subscriber.findById(chatId, { firstName: 1 }).lean().exec();
      return (s?.firstName as string | undefined) || undefined;
    }
    const c = await models.Chat.findById(chatId, { title: 1 }).lean().exec();
    return (c?.title as string | undefined) || undefined;
  };

  async function sendTest(input: TestSendInput): Promise<TestSendResult[]> {
    if (input.platform !== 'telegram') throw new FeatureNotAvailableError('send_test', input.platform);
    const settings = input.settings as TelegramSettings;
    const targets = input.chatIds && input.chatIds.length > 0 ? [...new Set(input.chatIds)] : [input.adminId];
    const fixed = Object.fromEntries(
      Object.entries(input.message.placeholders ?? {}).filter(([, v]) => typeof v === 'string'),
    ) as Record<string, string>;
    const results: TestSendResult[] = [];
    for (const chatId of targets) {
      const name = await nameOf(chatId);
      // An unknown name stays as [Name], so the admin sees where it will go.
      const personal = name ? Object.fromEntries(PER_RECIPIENT_PLACEHOLDERS.map((p) => [p, name])) : {};
      const parsed = parseFormatting(fillPlaceholders(input.message.text, { ...fixed, ...personal }));
      try {
        const { messageId } = await messenger.send(
          chatId,
          {
            text: parsed.text,
            entities: parsed.entities,
            ...(input.message.media ? { media: input.message.media } : {}),
            ...(input.message.buttons?.length ? { buttons: input.message.buttons } : {}),
          },
          {
            disableLinkPreview: !!settings.disableLinkPreview,
            disableNotification: !!settings.disableNotification,
            inlineKeyboard: !!settings.inlineKeyboard,
            paidBroadcast: false,
          },
        );
        results.push({ chatId, ok: true, messageId });
      } catch (err) {
        logger.info({ chatId, err }, 'test send failed');
        results.push({ chatId, ok: false, reason: reasonOf(err) });
      }
    }
    const first = results[0];
    if (first && results.every((r) => !r.ok) && !first.ok) throw new TestSendFailedError(first.reason);
    return results;
  }

  async function sendCampaignTest(input: {
    campaignId: number;
    adminId: number;
    chatIds?: readonly number[];
  }): Promise<TestSendResult[]> {
    const doc = await models.Campaign.findById(input.campaignId, { platform: 1, message: 1, settings: 1 })
      .lean()
      .exec();
    if (!doc) throw new NotFoundError('campaign', input.campaignId);
    return sendTest({
      platform: doc.platform as Platform,
      message: doc.message as unknown as TestSendInput['message'],
      settings: doc.settings as PlatformSettings,
      adminId: input.adminId,
      ...(input.chatIds ? { chatIds: input.chatIds } : {}),
    });
  }

  return { sendTest, sendCampaignTest };
}

export type TestSender = ReturnType<typeof createTestSender>;
