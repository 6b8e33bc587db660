import type { Message } from '../domain/campaign.js';
import {
  CAPTION_LIMIT,
  fillPlaceholders,
  findPlaceholders,
  PER_RECIPIENT_PLACEHOLDERS,
  parseFormatting,
  TEXT_LIMIT,
} from '../domain/message.js';
import { type ClickRef, clickToken, rewriteLinks, trackingSecret, urlHash } from '../domain/tracking.js';
import type { TelegramContent } from './messengers/telegram.messenger.js';

const PER_RECIPIENT = new Set(PER_RECIPIENT_PLACEHOLDERS.map((p) => p.toLowerCase()));

export interface RenderableMessage extends Message {
  /** campaign-wide placeholder values (e.g. CODE), if the campaign stored any */
  placeholders?: Record<string, string> | null;
}

/** Click tracking for one campaign: links become `<baseUrl>/c/<token>` (see domain/tracking.ts). */
export interface LinkTracking {
  baseUrl: string;
  secret: Buffer;
  campaignId: number;
}

/**
 * Tracking for a campaign, or undefined: links stay as written when PUBLIC_URL is not set (nothing
 * could answer the redirect) or the campaign turned tracking off (`settings.trackClicks: false`).
 */
export function linkTrackingFor(
  config: { PUBLIC_URL?: string | undefined; BOT_TOKEN: string; CLICK_SECRET?: string | undefined },
  campaign: { id: number; settings: object },
): LinkTracking | undefined {
  if (!config.PUBLIC_URL) return undefined;
  if ((campaign.settings as { trackClicks?: boolean }).trackClicks === false) return undefined;
  return {
    baseUrl: config.PUBLIC_URL,
    secret: trackingSecret(config.BOT_TOKEN, config.CLICK_SECRET),
    campaignId: campaign.id,
  };
}

/** Which recipient a rendering is for (needed only when links are tracked). */
export type RenderTarget = Omit<ClickRef, 'campaignId'>;

/**
 * Builds the content for each recipient. Messages without per-recipient placeholders are parsed
 * once; [Name] is the subscriber's first name or the chat's title.
 */
export function createRenderer(
  message: RenderableMessage,
  tracking?: LinkTracking,
): (name: string | undefined, target?: RenderTarget) => TelegramContent {
  const untracked = createUntrackedRenderer(message);
  if (!tracking) return (name) => untracked(name);
  const wrap = (target: RenderTarget) => linkWrapper(tracking, target);
  // Longer addresses must not push a text over Telegram's limit: then bare URLs stay as written
  // (text links and buttons do not change the length and are still tracked).
  const limit = message.media ? CAPTION_LIMIT : TEXT_LIMIT;
  return (name, target) => {
    const content = untracked(name);
    if (!target) return content;
    const tracked = rewriteLinks(content, wrap(target));
    return tracked.text.length <= limit ? tracked : rewriteLinks(content, wrap(target), { bareUrls: false });
  };
}

/** `(link index, url) → <PUBLIC_URL>/c/<token>` for one recipient. */
function linkWrapper(tracking: LinkTracking, target: RenderTarget): (link: number, url: string) => string {
  const base = tracking.baseUrl.replace(/\/+$/, '');
  return (link, url) => {
    const token = clickToken(tracking.secret, {
      campaignId: tracking.campaignId,
      run: target.run,
      recipient: target.recipient,
      link,
      hash: urlHash(url),
    });
    return `${base}/c/${token}`;
  };
}

/**
 * Plain text (a WhatsApp message): every http(s) address replaced by the recipient's tracked
 * redirect; unchanged without tracking.
 */
export function trackPlainText(
  text: string,
  tracking: LinkTracking | undefined,
  target: RenderTarget,
): string {
  if (!tracking) return text;
  return rewriteLinks({ text, entities: [] }, linkWrapper(tracking, target)).text;
}

function createUntrackedRenderer(message: RenderableMessage): (name: string | undefined) => TelegramContent {
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
