import { describe, expect, it } from 'vitest';
import {
  assertFeatureAvailable,
  CAMPAIGN_STATUSES,
  DEFAULT_TRAINING_STATUS,
  defaultAudience,
  defaultSettings,
  isFeatureAvailable,
  NAME_LIMIT,
  SEGMENTS,
  STATUS_ICONS,
  validateName,
} from '../../src/domain/campaign.js';
import { EmptyNameError, FeatureNotAvailableError, NameTooLongError } from '../../src/domain/errors.js';

describe('campaign model', () => {
  it('has the seed icons for every status', () => {
    expect(STATUS_ICONS).toEqual({
      published: '✅',
      scheduled: '🕐',
      draft: '📝',
      failed: '❌',
      sending: '📤',
      paused: '⏸',
      cancelled: '🚫',
      archived: '🗄',
    });
    expect(Object.keys(STATUS_ICONS).sort()).toEqual([...CAMPAIGN_STATUSES].sort());
  });

  it('defaults WhatsApp settings to the seed form', () => {
    expect(defaultSettings('whatsapp')).toEqual({
      splitIntoLists: true,
      trackDelivery: true,
      trackRead: true,
      sendTestFirst: false,
      maxPerMinute: 50,
      batchDelaySeconds: 2,
      linkPreview: true,
    });
  });

  it('defaults Telegram settings to the seed form', () => {
    expect(defaultSettings('telegram')).toEqual({
      disableLinkPreview: true,
      disableNotification: false,
      pin: false,
      inlineKeyboard: true,
      botInteractions: false,
      paidBroadcast: false,
    });
  });

  it('returns a fresh settings object each time', () => {
    const a = defaultSettings('whatsapp');
    a.maxPerMinute = 10;
    expect(defaultSettings('whatsapp').maxPerMinute).toBe(50);
  });

  it('starts WhatsApp audiences with All Contacts ticked and Telegram ones empty', () => {
    expect(defaultAudience('whatsapp')).toEqual({
      kind: 'whatsapp',
      all: true,
      segments: [],
      contactIds: [],
      importedPhones: [],
    });
    expect(defaultAudience('telegram')).toEqual({
      kind: 'telegram',
      allSubscribers: false,
      groupIds: [],
      channelIds: [],
      directSubscriberIds: [],
    });
  });

  it('knows the seed segments and the default training status', () => {
    expect(SEGMENTS).toEqual([
      'VIP Customers',
      'New Leads',
      'Repeat Buyers',
      'Inactive Customers',
      'Webinar Participants',
    ]);
    expect(DEFAULT_TRAINING_STATUS).toBe('not_trained');
  });
});

describe('validateName', () => {
  it('trims and accepts up to 100 characters', () => {
    expect(validateName('  Summer Super Sale ')).toBe('Summer Super Sale');
    expect(validateName('x'.repeat(NAME_LIMIT))).toHaveLength(100);
  });

  it('counts an emoji as one character', () => {
    const name = '🔥'.repeat(100);
    expect(validateName(name)).toBe(name);
    expect(() => validateName('🔥'.repeat(101))).toThrow(NameTooLongError);
  });

  it('rejects empty and blank names', () => {
    expect(() => validateName('')).toThrow(EmptyNameError);
    expect(() => validateName('   \n')).toThrow(EmptyNameError);
  });

  it('rejects 101 characters with the length and limit', () => {
    try {
      validateName('x'.repeat(101));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(NameTooLongError);
      expect((error as NameTooLongError).params).toEqual({ length: 101, limit: 100 });
    }
  });
});

describe('platform features', () => {
  it('offers featuring (⚡) only on WhatsApp', () => {
    expect(isFeatureAvailable('feature', 'whatsapp')).toBe(true);
    expect(isFeatureAvailable('feature', 'telegram')).toBe(false);
    expect(() => assertFeatureAvailable('feature', 'telegram')).toThrow(FeatureNotAvailableError);
    expect(() => assertFeatureAvailable('feature', 'whatsapp')).not.toThrow();
  });

  it('offers inline buttons only on Telegram', () => {
    expect(isFeatureAvailable('buttons', 'telegram')).toBe(true);
    expect(() => assertFeatureAvailable('buttons', 'whatsapp')).toThrow(FeatureNotAvailableError);
  });
});
