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
  estimateReach,
  recipientKey,
  resolveTelegram,
  resolveWhatsApp,
} from '../domain/audience.js';
import type { AudienceSpec, TelegramAudience, WhatsAppAudience } from '../domain/campaign.js';
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

/**
 * Resolves audiences from the collections, slice by slice (keyset pages), so an "all contacts" or
 * "all subscribers" audience is never held in memory at once. The rules are the domain's: each slice
 * goes through resolveWhatsApp / resolveTelegram / estimateReach.
 */
export function createAudienceService({ models }: ServiceDeps) {
  const contacts = createContactRepository(models);
  const subscribers = createSubscriberRepository(models);
  const chats = createChatRepository(models);

  async function* whatsappSlices(spec: WhatsAppAudience, size: number): AsyncGenerator<Slice> {
    const imported = new Set(spec.importedPhones.map((p) => p.trim()));
    const ids = spec.contactIds.filter(isContactId);
    // Imported numbers are looked up too: one that belongs to an opted-out contact must stay out.
    const or: Record<string, unknown>[] = [];
    if (spec.segments.length > 0) or.push({ segments: { $in: spec.segments } });
    if (ids.length > 0) or.push({ _id: { $in: ids } });
    if (imported.size > 0) or.push({ phone: { $in: [...imported] } });
    const seen = new Set<string>();
    if (spec.all || or.length > 0) {
      for await (const page of contacts.batches(spec.all ? {} : { $or: or }, size)) {
        const importedHere = page.map((c) => c.phone).filter((p) => imported.has(p));
        for (const p of importedHere) seen.add(p);
        yield {
          spec: { ...spec, importedPhones: importedHere },
          candidates: { contacts: page.map(toContactRow) },
          contacts: page,
        };
      }
    }
    const rest = [...imported].filter((p) => !seen.has(p));
    for (let i = 0; i < rest.length; i += size) {
      yield {
        spec: {
          kind: 'whatsapp',
          all: false,
          segments: [],
          contactIds: [],
          importedPhones: rest.slice(i, i + size),
        },
        candidates: { contacts: [] },
      };
    }
  }

  async function* telegramSlices(spec: TelegramAudience, size: number): AsyncGenerator<Slice> {
    const filter = spec.allSubscribers
      ? { subscribed: true, blocked: false }
      : spec.directSubscriberIds.length > 0
        ? { _id: { $in: spec.directSubscriberIds } }
        : null;
    if (filter) {
      for await (const page of subscribers.batches(filter, size)) {
        yield {
          spec: { ...spec, groupIds: [], channelIds: [] },
          candidates: { subscribers: page.map(toSubscriberRow), chats: [] },
          subscribers: page,
        };
      }
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

  return {
    /** The recipients in batches of at most `size` (a slice can resolve to fewer, never to none). */
    async *recipientBatches(spec: AudienceSpec, size = RECIPIENT_BATCH): AsyncGenerator<Recipient[]> {
      for await (const slice of slices(spec, size)) {
        const batch = resolve(slice);
        if (batch.length > 0) yield batch;
      }
    },

    async hasRecipients(spec: AudienceSpec): Promise<boolean> {
      for await (const slice of slices(spec, RECIPIENT_BATCH)) {
        if (resolve(slice).length > 0) return true;
      }
      return false;
    },

    /** People reached: a contact or subscriber counts once, a group with its member count. */
    async estimateReach(spec: AudienceSpec): Promise<number> {
      let reach = 0;
      for await (const slice of slices(spec, RECIPIENT_BATCH))
        reach += estimateReach(slice.spec, slice.candidates);
      return reach;
    },
  };
}

export type AudienceService = ReturnType<typeof createAudienceService>;
