import { describe, expect, it } from 'vitest';
import {
  assertAudienceSelected,
  assertHasRecipients,
  type ChatRow,
  type ContactRow,
  estimateReach,
  estimateTelegramReach,
  isAudienceEmpty,
  parseRecipientKey,
  recipientKey,
  resolveTelegram,
  resolveWhatsApp,
  type SubscriberRow,
} from '../../src/domain/audience.js';
import { defaultAudience, type TelegramAudience, type WhatsAppAudience } from '../../src/domain/campaign.js';
import { EmptyAudienceError } from '../../src/domain/errors.js';

const wa = (patch: Partial<WhatsAppAudience>): WhatsAppAudience => ({
  kind: 'whatsapp',
  all: false,
  segments: [],
  contactIds: [],
  importedPhones: [],
  ...patch,
});

const tg = (patch: Partial<TelegramAudience>): TelegramAudience => ({
  kind: 'telegram',
  allSubscribers: false,
  groupIds: [],
  channelIds: [],
  directSubscriberIds: [],
  ...patch,
});

const contact = (id: string, phone: string, patch: Partial<ContactRow> = {}): ContactRow => ({
  id,
  phone,
  segments: [],
  optedOut: false,
  valid: true,
  ...patch,
});

const CONTACTS: ContactRow[] = [
  contact('c1', '+4915110000001', { segments: ['VIP Customers'] }),
  contact('c2', '+4915110000002', { segments: ['New Leads', 'VIP Customers'] }),
  contact('c3', '+4915110000003', { segments: ['Repeat Buyers'] }),
  contact('c4', '+4915110000004', { segments: ['VIP Customers'], optedOut: true }),
  contact('c5', '+4915110000005', { segments: ['New Leads'], valid: false }),
  contact('c6', '+12025550106'),
];

describe('resolveWhatsApp', () => {
  it('takes all contacts except opted-out and invalid ones', () => {
    expect(resolveWhatsApp(wa({ all: true }), CONTACTS)).toEqual([
      '+4915110000001',
      '+4915110000002',
      '+4915110000003',
      '+12025550106',
    ]);
  });

  it('takes contacts in any chosen segment, once each', () => {
    expect(resolveWhatsApp(wa({ segments: ['VIP Customers', 'New Leads'] }), CONTACTS)).toEqual([
      '+4915110000001',
      '+4915110000002',
    ]);
  });

  it('combines a custom list with segments', () => {
    expect(
      resolveWhatsApp(wa({ segments: ['Repeat Buyers'], contactIds: ['c6', 'c4', 'missing'] }), CONTACTS),
    ).toEqual(['+4915110000003', '+12025550106']);
  });

  it('adds imported numbers, deduplicated against contacts, and drops malformed ones', () => {
    const spec = wa({
      contactIds: ['c1'],
      importedPhones: ['+4915110000001', ' +447700900123 ', '+447700900123', '07700 900123', '+0123456789'],
    });
    expect(resolveWhatsApp(spec, CONTACTS)).toEqual(['+4915110000001', '+447700900123']);
  });

  it('does not let an import bring back an opted-out or invalid contact', () => {
    const spec = wa({ importedPhones: ['+4915110000004', '+4915110000005', '+33612345678'] });
    expect(resolveWhatsApp(spec, CONTACTS)).toEqual(['+33612345678']);
  });

  it('excludes a phone when any contact row with it has opted out', () => {
    const rows = [contact('a', '+4915120000000'), contact('b', '+4915120000000', { optedOut: true })];
    expect(resolveWhatsApp(wa({ all: true }), rows)).toEqual([]);
  });

  it('reproduces the seed estimate of 156 contacts', () => {
    const rows = Array.from({ length: 160 }, (_, i) =>
      contact(`c${i}`, `+491511${String(i).padStart(7, '0')}`, { optedOut: i < 3, valid: i !== 3 }),
    );
    expect(estimateReach(defaultAudience('whatsapp'), { contacts: rows })).toBe(156);
  });
});

const SUBSCRIBERS: SubscriberRow[] = [
  { userId: 101, subscribed: true, blocked: false },
  { userId: 102, subscribed: true, blocked: false },
  { userId: 103, subscribed: false, blocked: false },
  { userId: 104, subscribed: true, blocked: true },
];

// The seed's group table, with made-up ids; plus a channel and an inactive group.
const CHATS: ChatRow[] = [
  { chatId: -1001, type: 'supergroup', active: true, memberCount: 2450 }, // Tech Lovers
  { chatId: -1002, type: 'supergroup', active: true, memberCount: 1823 }, // Marketing Gurus
  { chatId: -1003, type: 'group', active: true, memberCount: 945 }, // Startup Founders
  { chatId: -1004, type: 'supergroup', active: true, memberCount: 3102 }, // Fitness Enthusiasts
  { chatId: -1005, type: 'group', active: true, memberCount: 567 }, // Book Club
  { chatId: -1006, type: 'supergroup', active: true, memberCount: 4891 }, // Crypto Traders
  { chatId: -2001, type: 'channel', active: true, memberCount: 10_000 },
  { chatId: -3001, type: 'group', active: false, memberCount: 99 },
];
const CANDIDATES = { subscribers: SUBSCRIBERS, chats: CHATS };

describe('resolveTelegram', () => {
  it('sends to subscribed, unblocked users when All Subscribers is ticked', () => {
    expect(resolveTelegram(tg({ allSubscribers: true }), CANDIDATES)).toEqual([
      { chatId: 101, kind: 'private' },
      { chatId: 102, kind: 'private' },
    ]);
  });

  it('sends direct messages only to chosen subscribers who can receive them', () => {
    expect(resolveTelegram(tg({ directSubscriberIds: [102, 103, 104, 999] }), CANDIDATES)).toEqual([
      { chatId: 102, kind: 'private' },
    ]);
  });

  it('takes chosen groups and channels, skipping inactive chats', () => {
    expect(resolveTelegram(tg({ groupIds: [-1002, -1004, -3001], channelIds: [-2001] }), CANDIDATES)).toEqual(
      [
        { chatId: -1002, kind: 'group' },
        { chatId: -1004, kind: 'group' },
        { chatId: -2001, kind: 'channel' },
      ],
    );
  });

  it('lists each chat once even when chosen twice and uses the chat type for its kind', () => {
    const spec = tg({
      allSubscribers: true,
      directSubscriberIds: [101],
      groupIds: [-1002, -2001],
      channelIds: [-2001],
    });
    expect(resolveTelegram(spec, CANDIDATES)).toEqual([
      { chatId: 101, kind: 'private' },
      { chatId: 102, kind: 'private' },
      { chatId: -1002, kind: 'group' },
      { chatId: -2001, kind: 'channel' },
    ]);
  });

  it('ignores ids the bot does not know', () => {
    expect(resolveTelegram(tg({ groupIds: [-404] }), CANDIDATES)).toEqual([]);
  });
});

describe('estimateTelegramReach', () => {
  it('adds member counts of chosen groups: Marketing Gurus + Fitness Enthusiasts = 4,925', () => {
    // The seed ticks these two and prints "Total Reach: 6,748", which no combination of its groups
    // adds up to; the rule (sum of members) is what is tested.
    expect(estimateTelegramReach(tg({ groupIds: [-1002, -1004] }), CANDIDATES)).toBe(1823 + 3102);
  });

  it('adds all six seed groups to 13,778', () => {
    const all = tg({ groupIds: [-1001, -1002, -1003, -1004, -1005, -1006] });
    expect(estimateTelegramReach(all, CANDIDATES)).toBe(13_778);
  });

  it('counts a direct subscriber as one and leaves inactive chats out', () => {
    const spec = tg({ groupIds: [-1005, -3001], channelIds: [-2001], directSubscriberIds: [101, 102, 104] });
    expect(estimateTelegramReach(spec, CANDIDATES)).toBe(567 + 10_000 + 2);
    expect(estimateReach(spec, CANDIDATES)).toBe(567 + 10_000 + 2);
  });
});

describe('empty audiences', () => {
  it('knows when nothing is selected', () => {
    expect(isAudienceEmpty(wa({}))).toBe(true);
    expect(isAudienceEmpty(wa({ segments: ['New Leads'] }))).toBe(false);
    expect(isAudienceEmpty(tg({}))).toBe(true);
    expect(isAudienceEmpty(tg({ channelIds: [-2001] }))).toBe(false);
    expect(() => assertAudienceSelected(defaultAudience('telegram'))).toThrow(EmptyAudienceError);
    expect(() => assertAudienceSelected(defaultAudience('whatsapp'))).not.toThrow();
  });

  it('rejects a selection that resolves to nobody', () => {
    const recipients = resolveWhatsApp(wa({ contactIds: ['c4'] }), CONTACTS);
    expect(() => assertHasRecipients(recipients)).toThrow(EmptyAudienceError);
    expect(() => assertHasRecipients(['+33612345678'])).not.toThrow();
  });
});

describe('recipientKey', () => {
  it('builds stable keys per platform', () => {
    expect(recipientKey('telegram', -100123)).toBe('tg:-100123');
    expect(recipientKey('telegram', 101)).toBe('tg:101');
    expect(recipientKey('whatsapp', '+4915112345678')).toBe('wa:+4915112345678');
  });

  it('refuses ids that would make a bad key', () => {
    expect(() => recipientKey('telegram', 1.5)).toThrow(TypeError);
    expect(() => recipientKey('whatsapp', '015112345678')).toThrow(TypeError);
    expect(() => recipientKey('telegram', '101')).toThrow(TypeError);
  });

  it('parses keys back', () => {
    expect(parseRecipientKey('tg:-100123')).toEqual({ platform: 'telegram', chatId: -100123 });
    expect(parseRecipientKey('wa:+4915112345678')).toEqual({ platform: 'whatsapp', phone: '+4915112345678' });
    for (const bad of ['tg:', 'tg:abc', 'wa:123', 'xx:1', 'tg: 5'])
      expect(() => parseRecipientKey(bad)).toThrow(TypeError);
  });
});
