import type { AudienceSpec, Platform, TelegramAudience, WhatsAppAudience } from './campaign.js';
import { EmptyAudienceError } from './errors.js';

export interface ContactRow {
  id: string;
  /** E.164 */
  phone: string;
  segments: readonly string[];
  optedOut: boolean;
  valid: boolean;
}

export interface SubscriberRow {
  userId: number;
  subscribed: boolean;
  blocked: boolean;
}

export interface ChatRow {
  chatId: number;
  type: 'group' | 'supergroup' | 'channel';
  active: boolean;
  memberCount: number;
}

export interface TelegramRecipient {
  chatId: number;
  kind: 'private' | 'group' | 'channel';
}

export interface TelegramCandidates {
  subscribers: readonly SubscriberRow[];
  chats: readonly ChatRow[];
}

const E164 = /^\+[1-9]\d{6,14}$/;

export function isE164(phone: string): boolean {
  return E164.test(phone);
}

/** True when the admin ticked nothing (or ticked only empty lists). */
export function isAudienceEmpty(spec: AudienceSpec): boolean {
  if (spec.kind === 'whatsapp') {
    return (
      !spec.all &&
      spec.segments.length === 0 &&
      spec.contactIds.length === 0 &&
      spec.importedPhones.length === 0
    );
  }
  return (
    !spec.allSubscribers &&
    spec.groupIds.length === 0 &&
    spec.channelIds.length === 0 &&
    spec.directSubscriberIds.length === 0
  );
}

export function assertAudienceSelected(spec: AudienceSpec): void {
  if (isAudienceEmpty(spec)) throw new EmptyAudienceError();
}

export function assertHasRecipients<T>(recipients: readonly T[]): void {
  if (recipients.length === 0) throw new EmptyAudienceError();
}

/**
 * Unique E.164 numbers in the order found (contacts first, then imported numbers). Opted-out and
 * invalid contacts are left out, and so is an imported number that belongs to one of them: an
 * import must not bring back someone who unsubscribed.
 */
export function resolveWhatsApp(spec: WhatsAppAudience, contacts: readonly ContactRow[]): string[] {
  const excluded = new Set(contacts.filter((c) => c.optedOut || !c.valid).map((c) => c.phone));
  const segments = new Set(spec.segments);
  const ids = new Set(spec.contactIds);
  const result = new Set<string>();
  for (const contact of contacts) {
    if (excluded.has(contact.phone) || !isE164(contact.phone)) continue;
    if (spec.all || ids.has(contact.id) || contact.segments.some((s) => segments.has(s))) {
      result.add(contact.phone);
    }
  }
  for (const raw of spec.importedPhones) {
    const phone = raw.trim();
    if (isE164(phone) && !excluded.has(phone)) result.add(phone);
  }
  return [...result];
}

function reachable(s: SubscriberRow): boolean {
  return s.subscribed && !s.blocked;
}

/**
 * Unique chats: direct subscribers as `private`, then chosen groups and channels. The chat's own
 * type decides its kind, whichever list it was chosen from. Inactive chats (bot removed, chat gone)
 * and unsubscribed or blocked users are left out.
 */
export function resolveTelegram(spec: TelegramAudience, candidates: TelegramCandidates): TelegramRecipient[] {
  const result = new Map<number, TelegramRecipient>();
  const direct = new Set(spec.directSubscriberIds);
  for (const subscriber of candidates.subscribers) {
    if (!reachable(subscriber)) continue;
    if (spec.allSubscribers || direct.has(subscriber.userId)) {
      result.set(subscriber.userId, { chatId: subscriber.userId, kind: 'private' });
    }
  }
  const chosen = new Set([...spec.groupIds, ...spec.channelIds]);
  for (const chat of candidates.chats) {
    if (!chat.active || !chosen.has(chat.chatId) || result.has(chat.chatId)) continue;
    result.set(chat.chatId, { chatId: chat.chatId, kind: chat.type === 'channel' ? 'channel' : 'group' });
  }
  return [...result.values()];
}

export function estimateWhatsAppReach(spec: WhatsAppAudience, contacts: readonly ContactRow[]): number {
  return resolveWhatsApp(spec, contacts).length;
}

/** People, not messages: a group counts with its member count, a direct subscriber as one. */
export function estimateTelegramReach(spec: TelegramAudience, candidates: TelegramCandidates): number {
  const members = new Map(candidates.chats.map((c) => [c.chatId, c.memberCount] as const));
  return resolveTelegram(spec, candidates).reduce(
    (sum, r) => sum + (r.kind === 'private' ? 1 : (members.get(r.chatId) ?? 0)),
    0,
  );
}

/** Contacts of one kind, as counted: reachable or not, and their segments (sorted). */
export interface ContactClassCount {
  reachable: boolean;
  segments: readonly string[];
  count: number;
}

/**
 * The WhatsApp reach from counts: the reachable contacts of the chosen segments (or all of them),
 * plus the picked contacts and imported numbers outside those, resolved as a run resolves them.
 * `lookedUp` holds the picked contacts and the contacts the imported numbers belong to.
 */
export function countWhatsAppReach(
  spec: WhatsAppAudience,
  classes: readonly ContactClassCount[],
  lookedUp: readonly ContactRow[],
): number {
  const chosen = new Set(spec.segments);
  const covered = (segments: readonly string[]) => spec.all || segments.some((s) => chosen.has(s));
  let reach = 0;
  for (const c of classes) if (c.reachable && covered(c.segments)) reach += c.count;
  const counted = new Set(lookedUp.filter((c) => covered(c.segments)).map((c) => c.phone));
  const rest = resolveWhatsApp({ ...spec, all: false, segments: [] }, lookedUp);
  return reach + rest.filter((phone) => !counted.has(phone)).length;
}

/**
 * The Telegram reach (people) and recipients (chats) with "all subscribers" taken from a count:
 * `reachable` subscribers, plus the chosen chats, or the picked subscribers without "all".
 */
export function countTelegramReach(
  spec: TelegramAudience,
  reachable: number,
  candidates: TelegramCandidates,
): { reach: number; recipients: number } {
  const rest: TelegramAudience = {
    ...spec,
    allSubscribers: false,
    directSubscriberIds: spec.allSubscribers ? [] : spec.directSubscriberIds,
  };
  const counted = spec.allSubscribers ? reachable : 0;
  return {
    reach: counted + estimateTelegramReach(rest, candidates),
    recipients: counted + resolveTelegram(rest, candidates).length,
  };
}

export interface AudienceCandidates {
  contacts?: readonly ContactRow[];
  subscribers?: readonly SubscriberRow[];
  chats?: readonly ChatRow[];
}

export function estimateReach(spec: AudienceSpec, candidates: AudienceCandidates): number {
  return spec.kind === 'whatsapp'
    ? estimateWhatsAppReach(spec, candidates.contacts ?? [])
    : estimateTelegramReach(spec, {
        subscribers: candidates.subscribers ?? [],
        chats: candidates.chats ?? [],
      });
}

/** The delivery's unique key per recipient: `tg:-100123`, `wa:+4915112345678`. */
export function recipientKey(platform: 'telegram', chatId: number): string;
export function recipientKey(platform: 'whatsapp', phone: string): string;
export function recipientKey(platform: Platform, id: number | string): string;
export function recipientKey(platform: Platform, id: number | string): string {
  if (platform === 'telegram') {
    if (typeof id !== 'number' || !Number.isSafeInteger(id))
      throw new TypeError(`Not a Telegram chat id: ${id}`);
    return `tg:${id}`;
  }
  if (typeof id !== 'string' || !isE164(id)) throw new TypeError(`Not an E.164 phone number: ${id}`);
  return `wa:${id}`;
}

export function parseRecipientKey(
  key: string,
): { platform: 'telegram'; chatId: number } | { platform: 'whatsapp'; phone: string } {
  if (/^tg:-?\d+$/.test(key)) {
    const chatId = Number(key.slice(3));
    if (Number.isSafeInteger(chatId)) return { platform: 'telegram', chatId };
  } else if (key.startsWith('wa:') && isE164(key.slice(3))) {
    return { platform: 'whatsapp', phone: key.slice(3) };
  }
  throw new TypeError(`Not a recipient key: ${key}`);
}

/**
 * The longest contact name kept (characters), as Telegram caps a first name: a name is shown on
 * buttons and lists and goes into messages as {name}, so a file's 10,000-character cell must not.
 */
export const CONTACT_NAME_MAX = 64;

/** A contact's name as stored: spaces and control characters collapsed, trimmed, cut to the cap. */
export function contactName(raw: string): string {
  const chars = Array.from(raw.replace(/[\s\p{Cc}]+/gu, ' ').trim());
  return chars.length <= CONTACT_NAME_MAX ? chars.join('') : chars.slice(0, CONTACT_NAME_MAX).join('').trim();
}
