import { createChatRepository, toChatRow } from '../db/chat.repository.js';
import {
  type Contact,
  createContactRepository,
  isContactId,
  toContactRow,
} from '../db/contact.repository.js';
import { createSubscriberRepository, type Subscriber, toSubscriberRow } from '../db/subscriber.repository.js';
import {
  type AudienceCandidates,
  type ContactRow,
  countTelegramReach,
  countWhatsAppReach,
  isE164,
  recipientKey,
  resolveTelegram,
  resolveWhatsApp,
} from '../domain/audience.js';
import type { AudienceSpec, TelegramAudience, WhatsAppAudience } from '../domain/campaign.js';
import type { AudienceCountsService } from './audience-counts.service.js';
import type { ServiceDeps } from './deps.js';

/** One resolved recipient, ready to become a delivery. */
export interface Recipient {
  /** the delivery key: `tg:<chatId>` or `wa:<E.164>` */
  recipient: string;
  chatId?: number;
  chatKind?: 'private' | 'group' | 'channel';
  phone?: string;
  /** for [Name] / [First name] */
  name?: string;
  firstName?: string;
}

/** A slice of the audience: the spec narrowed to what this slice's candidates can answer. */
interface Slice {
  spec: AudienceSpec;
  candidates: AudienceCandidates;
  contacts?: Contact[];
  subscribers?: Subscriber[];
}

export const RECIPIENT_BATCH = 500;

const importedOf = (spec: WhatsAppAudience) => [...new Set(spec.importedPhones.map((p) => p.trim()))];

/**
 * Resolves audiences from the collections, slice by slice, so an "all contacts" or "all subscribers"
 * audience is never held in memory at once. The rules are the domain's: each slice goes through
 * resolveWhatsApp / resolveTelegram. Every query is an indexed equality on FerretDB 1.24: one per
 * segment, and picked contacts, subscribers, chats and imported numbers one by one (an `$in` or
 * `$or` would read the whole collection). The reach the screens show comes from the audience counts
 * (audience-counts.service.ts) plus lookups of what was picked.
 */
export function createAudienceService({ models, counts }: ServiceDeps & { counts: AudienceCountsService }) {
  const contacts = createContactRepository(models);
  const subscribers = createSubscriberRepository(models);
  const chats = createChatRepository(models);

  async function* everyContact(spec: WhatsAppAudience, size: number): AsyncGenerator<Slice> {
    const imported = new Set(importedOf(spec));
    for await (const page of contacts.batches({}, size)) {
      const importedHere = page.map((c) => c.phone).filter((p) => imported.has(p));
      for (const p of importedHere) imported.delete(p);
      yield {
        spec: { ...spec, importedPhones: importedHere },
        candidates: { contacts: page.map(toContactRow) },
        contacts: page,
      };
    }
    const rest = [...imported];
    for (let i = 0; i < rest.length; i += size) {
      const importedPhones = rest.slice(i, i + size);
      yield { spec: { ...spec, importedPhones }, candidates: { contacts: [] } };
    }
  }

  async function* whatsappSlices(spec: WhatsAppAudience, size: number): AsyncGenerator<Slice> {
    if (spec.all) {
      yield* everyContact(spec, size);
      return;
    }
    const none: WhatsAppAudience = { ...spec, all: false, segments: [], contactIds: [], importedPhones: [] };
    const chosen = new Set(spec.segments);
    const inSegments = (c: Contact) => c.segments.some((s) => chosen.has(s));
    // One query per segment; a contact in several comes with the first of them.
    for (const [i, segment] of spec.segments.entries()) {
      const earlier = new Set(spec.segments.slice(0, i));
      for await (const page of contacts.batches({ segments: segment }, size)) {
        const fresh = page.filter((c) => !c.segments.some((s) => earlier.has(s)));
        if (fresh.length === 0) continue;
        yield {
          spec: { ...none, segments: [segment] },
          candidates: { contacts: fresh.map(toContactRow) },
          contacts: fresh,
        };
      }
    }
    // Then the picked contacts and the imported numbers that no chosen segment brought.
    const picked = new Set<string>();
    const ids = [...new Set(spec.contactIds)].filter(isContactId);
    for (let i = 0; i < ids.length; i += size) {
      const found = (await contacts.byIds(ids.slice(i, i + size))).filter((c) => !inSegments(c));
      for (const c of found) picked.add(c.phone);
      if (found.length === 0) continue;
      yield {
        spec: { ...none, contactIds: found.map((c) => c.id) },
        candidates: { contacts: found.map(toContactRow) },
        contacts: found,
      };
    }
    const imported = importedOf(spec).filter((p) => !picked.has(p));
    for (let i = 0; i < imported.length; i += size) {
      const chunk = imported.slice(i, i + size);
      // Imported numbers are looked up too: one that belongs to an opted-out contact must stay out.
      const found = await contacts.byPhones(chunk.filter(isE164));
      const brought = new Set(found.filter(inSegments).map((c) => c.phone));
      yield {
        spec: { ...none, importedPhones: chunk.filter((p) => !brought.has(p)) },
        candidates: { contacts: found.map(toContactRow) },
        contacts: found,
      };
    }
  }

  async function* telegramSlices(spec: TelegramAudience, size: number): AsyncGenerator<Slice> {
    const people = spec.allSubscribers
      ? subscribers.batches({ subscribed: true, blocked: false }, size)
      : (async function* () {
          const ids = [...new Set(spec.directSubscriberIds)];
          for (let i = 0; i < ids.length; i += size) yield await subscribers.byIds(ids.slice(i, i + size));
        })();
    for await (const page of people) {
      yield {
        spec: { ...spec, groupIds: [], channelIds: [] },
        candidates: { subscribers: page.map(toSubscriberRow), chats: [] },
        subscribers: page,
      };
    }
    const chatIds = [...new Set([...spec.groupIds, ...spec.channelIds])];
    for (let i = 0; i < chatIds.length; i += size) {
      const found = await chats.byIds(chatIds.slice(i, i + size));
      yield {
        spec: { ...spec, allSubscribers: false, directSubscriberIds: [] },
        candidates: { subscribers: [], chats: found.map(toChatRow) },
      };
    }
  }

  function slices(spec: AudienceSpec, size: number): AsyncGenerator<Slice> {
    return spec.kind === 'whatsapp' ? whatsappSlices(spec, size) : telegramSlices(spec, size);
  }

  function resolve(slice: Slice): Recipient[] {
    const { spec, candidates } = slice;
    if (spec.kind === 'whatsapp') {
      const names = new Map((slice.contacts ?? []).map((c) => [c.phone, c.name]));
      return resolveWhatsApp(spec, candidates.contacts ?? []).map((phone) => {
        const name = names.get(phone);
        return {
          recipient: recipientKey('whatsapp', phone),
          phone,
          ...(name ? { name, firstName: name.split(' ')[0] } : {}),
        };
      });
    }
    const people = new Map((slice.subscribers ?? []).map((s) => [s.id, s]));
    return resolveTelegram(spec, {
      subscribers: candidates.subscribers ?? [],
      chats: candidates.chats ?? [],
    }).map(({ chatId, kind }) => {
      const person = people.get(chatId);
      const name = person ? [person.firstName, person.lastName].filter(Boolean).join(' ') : '';
      return {
        recipient: recipientKey('telegram', chatId),
        chatId,
        chatKind: kind,
        ...(person ? { name, firstName: person.firstName } : {}),
      };
    });
  }

  /** The picked contacts and the contacts of the imported numbers ("all" covers the picked ones). */
  async function lookedUp(spec: WhatsAppAudience): Promise<ContactRow[]> {
    const [picked, imported] = await Promise.all([
      spec.all ? [] : contacts.byIds(spec.contactIds),
      counts.contactsByPhone(importedOf(spec).filter(isE164)),
    ]);
    return [...picked.map(toContactRow), ...imported];
  }

  /** Reach (people) and recipients (messages) from the counts and what was picked. */
  async function counted(spec: AudienceSpec): Promise<{ reach: number; recipients: number }> {
    if (spec.kind === 'whatsapp') {
      const [classes, rows] = await Promise.all([
        spec.all || spec.segments.length > 0 ? counts.contactClasses() : [],
        lookedUp(spec),
      ]);
      const reach = countWhatsAppReach(spec, classes, rows);
      return { reach, recipients: reach };
    }
    const [reachable, people, found] = await Promise.all([
      spec.allSubscribers ? counts.reachableSubscribers() : 0,
      spec.allSubscribers ? [] : subscribers.byIds(spec.directSubscriberIds),
      chats.byIds([...spec.groupIds, ...spec.channelIds]),
    ]);
    return countTelegramReach(spec, reachable, {
      subscribers: people.map(toSubscriberRow),
      chats: found.map(toChatRow),
    });
  }

  return {
    /** The recipients in batches of at most `size` (a slice can resolve to fewer, never to none). */
    async *recipientBatches(spec: AudienceSpec, size = RECIPIENT_BATCH): AsyncGenerator<Recipient[]> {
      for await (const slice of slices(spec, size)) {
        const batch = resolve(slice);
        if (batch.length > 0) yield batch;
      }
    },

    async hasRecipients(spec: AudienceSpec): Promise<boolean> {
      if ((await counted(spec)).recipients > 0) return true;
      const fromCounts =
        spec.kind === 'whatsapp' ? spec.all || spec.segments.length > 0 : spec.allSubscribers;
      if (!fromCounts) return false;
      // The counts say nobody: asked again of the documents, so that a count gone stale never
      // refuses a send (this reads the audience, but only when it looks empty).
      for await (const slice of slices(spec, RECIPIENT_BATCH)) {
        if (resolve(slice).length > 0) return true;
      }
      return false;
    },

    /** People reached: a contact or subscriber counts once, a group with its member count. */
    async estimateReach(spec: AudienceSpec): Promise<number> {
      return (await counted(spec)).reach;
    },
  };
}

export type AudienceService = ReturnType<typeof createAudienceService>;
