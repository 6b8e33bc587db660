import type { Message } from '../domain/campaign.js';
import {
  fillPlaceholders,
  findPlaceholders,
  PER_RECIPIENT_PLACEHOLDERS,
  parseFormatting,
} from '../domain/message.js';
import type { TelegramContent } from './messengers/telegram.messenger.js';

const PER_RECIPIENT = new Set(PER_RECIPIENT_PLACEHOLDERS.map((p) => p.toLowerCase()));

export interface RenderableMessage extends Message {
  /** campaign-wide placeholder values (e.g. CODE), if the campaign stored any */
  placeholders?: Record<string, string> | null;
}

/**
 * Builds the content for each recipient. Messages without per-recipient placeholders are parsed
 * once; [Name] is the subscriber's first name or the chat's title.
 */
export function createRenderer(message: RenderableMessage): (name: string | undefined) => TelegramContent {
  const fixed: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.placeholders ?? {})) if (typeof v === 'string') fixed[k] = v;
  const base = Object.keys(fixed).length > 0 ? fillPlaceholders(message.text, fixed) : message.text;
  const build = (text: string): TelegramContent => {
    const parsed = parseFormatting(text);
    return {
      text: parsed.text,
      entities: parsed.entities,
      ...(message.media ? { media: message.media } : {}),
      ...(message.buttons?.length ? { buttons: message.buttons } : {}),
    };
  };
  const personal = findPlaceholders(base).some((p) => PER_RECIPIENT.has(p.toLowerCase()));
  if (!personal) {
    const content = build(base);
    return () => content;
  }
  return (name) => {
    const value = name ?? '';
    const values = Object.fromEntries(PER_RECIPIENT_PLACEHOLDERS.map((p) => [p, value]));
    return build(fillPlaceholders(base, values));
  };
}
