import { EmptyNameError, FeatureNotAvailableError, NameTooLongError } from './errors.js';

export const PLATFORMS = ['whatsapp', 'telegram'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const CAMPAIGN_STATUSES = [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'published',
  'failed',
  'cancelled',
  'archived',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const CAMPAIGN_TYPES = [
  'promotional',
  'informational',
  'event_announcement',
  'follow_up',
  'engagement',
] as const;
export type CampaignType = (typeof CAMPAIGN_TYPES)[number];

export const TRAINING_STATUSES = ['not_trained', 'training', 'trained'] as const;
export type TrainingStatus = (typeof TRAINING_STATUSES)[number];
export const DEFAULT_TRAINING_STATUS: TrainingStatus = 'not_trained';

export const STATUS_ICONS: Readonly<Record<CampaignStatus, string>> = {
  published: '✅',
  scheduled: '🕐',
  draft: '📝',
  failed: '❌',
  sending: '📤',
  paused: '⏸',
  cancelled: '🚫',
  archived: '🗄',
};

export const SEGMENTS = [
  'VIP Customers',
  'New Leads',
  'Repeat Buyers',
  'Inactive Customers',
  'Webinar Participants',
] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface WhatsAppAudience {
  kind: 'whatsapp';
  all: boolean;
  segments: string[];
  /** custom list */
  contactIds: string[];
  /** E.164 numbers from an imported file */
  importedPhones: string[];
}

export interface TelegramAudience {
  kind: 'telegram';
  allSubscribers: boolean;
  /** chosen groups and supergroups */
  groupIds: number[];
  channelIds: number[];
  /** chosen individual subscribers, reached by direct message */
  directSubscriberIds: number[];
}

export type AudienceSpec = WhatsAppAudience | TelegramAudience;

/** The seed's form starts with "All Contacts" ticked for WhatsApp and nothing ticked for Telegram. */
export function defaultAudience(platform: 'whatsapp'): WhatsAppAudience;
export function defaultAudience(platform: 'telegram'): TelegramAudience;
export function defaultAudience(platform: Platform): AudienceSpec;
export function defaultAudience(platform: Platform): AudienceSpec {
  return platform === 'whatsapp'
    ? { kind: 'whatsapp', all: true, segments: [], contactIds: [], importedPhones: [] }
    : { kind: 'telegram', allSubscribers: false, groupIds: [], channelIds: [], directSubscriberIds: [] };
}

export interface WhatsAppSettings {
  splitIntoLists: boolean;
  trackDelivery: boolean;
  trackRead: boolean;
  sendTestFirst: boolean;
  maxPerMinute: number;
  batchDelaySeconds: number;
  linkPreview: boolean;
  /** click tracking (unset: on when PUBLIC_URL is set) and the conversion goal page */
  trackClicks?: boolean;
  goalUrl?: string;
}

export interface TelegramSettings {
  disableLinkPreview: boolean;
  disableNotification: boolean;
  pin: boolean;
  inlineKeyboard: boolean;
  botInteractions: boolean;
  paidBroadcast: boolean;
  /** click tracking (unset: on when PUBLIC_URL is set) and the conversion goal page */
  trackClicks?: boolean;
  goalUrl?: string;
}

export type PlatformSettings = WhatsAppSettings | TelegramSettings;

export function defaultSettings(platform: 'whatsapp'): WhatsAppSettings;
export function defaultSettings(platform: 'telegram'): TelegramSettings;
export function defaultSettings(platform: Platform): PlatformSettings;
export function defaultSettings(platform: Platform): PlatformSettings {
  return platform === 'whatsapp'
    ? {
        splitIntoLists: true,
        trackDelivery: true,
        trackRead: true,
        sendTestFirst: false,
        maxPerMinute: 50,
        batchDelaySeconds: 2,
        linkPreview: true,
      }
    : {
        disableLinkPreview: true,
        disableNotification: false,
        pin: false,
        inlineKeyboard: true,
        botInteractions: false,
        paidBroadcast: false,
      };
}

export type MediaKind = 'photo' | 'video' | 'document';

export interface MessageMedia {
  kind: MediaKind;
  fileId?: string;
  fileName?: string;
  mime: string;
  size: number;
}

export interface MessageButton {
  text: string;
  url: string;
}

export interface Message {
  text: string;
  media?: MessageMedia;
  /** rows of URL buttons (Telegram inline keyboard) */
  buttons?: MessageButton[][];
}

export const NAME_LIMIT = 100;

/** Names are measured in code points so that an emoji counts once and is never cut in half. */
export function nameLength(name: string): number {
  return Array.from(name).length;
}

/** Returns the trimmed name. */
export function validateName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new EmptyNameError();
  const length = nameLength(trimmed);
  if (length > NAME_LIMIT) throw new NameTooLongError(length, NAME_LIMIT);
  return trimmed;
}

export type PlatformFeature =
  | 'feature'
  | 'training'
  | 'broadcast_lists'
  | 'buttons'
  | 'pin'
  | 'paid_broadcast';

const FEATURE_PLATFORMS: Readonly<Record<PlatformFeature, readonly Platform[]>> = {
  feature: ['whatsapp'],
  // Telegram: replies come from private chats only (see trainingApplies in domain/training.ts).
  training: ['whatsapp', 'telegram'],
  broadcast_lists: ['whatsapp'],
  buttons: ['telegram'],
  pin: ['telegram'],
  paid_broadcast: ['telegram'],
};

export function isFeatureAvailable(feature: PlatformFeature, platform: Platform): boolean {
  return FEATURE_PLATFORMS[feature].includes(platform);
}

export function assertFeatureAvailable(feature: PlatformFeature, platform: Platform): void {
  if (!isFeatureAvailable(feature, platform)) throw new FeatureNotAvailableError(feature, platform);
}
