import { Types } from 'mongoose';
import type { ContactRow } from '../domain/audience.js';
import { mapLimit } from '../lib/map-limit.js';
import type { Models } from './models.js';

/** A WhatsApp contact as a plain object; `id` is the document id as a string. */
export interface Contact {
  id: string;
  phone: string;
  name: string;
  segments: string[];
  optedOut: boolean;
  optedOutAt?: Date;
  valid: boolean;
  source: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ContactUpsert {
  phone: string;
  name?: string;
  segments: string[];
}

function toContact(doc: unknown): Contact {
  const { _id, __v, whatsappId, ...rest } = doc as Record<string, unknown>;
  return { id: String(_id), ...rest } as unknown as Contact;
}

export function toContactRow(c: Contact): ContactRow {
  return { id: c.id, phone: c.phone, segments: c.segments, optedOut: c.optedOut, valid: c.valid };
}

/** Lookups and upserts in flight at once, one document each. */
const PARALLEL = 8;

/** What the audience counts need of a contact (audience.store.ts contactClass). */
export type ContactState = Pick<Contact, 'phone' | 'segments' | 'optedOut' | 'valid'>;

const STATE_FIELDS = { _id: 0, phone: 1, segments: 1, optedOut: 1, valid: 1 } as const;

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}

export function createContactRepository({ Contact: model }: Pick<Models, 'Contact'>) {
  /**
   * One contact upserted by phone: the name replaced when given, segments added, the number
   * trusted again; an opt-out is never undone. Returns the contact as written and whether it is new.
   */
  async function upsertOne(
    row: ContactUpsert,
    source: string,
    id: Types.ObjectId,
  ): Promise<{ contact: Contact; added: boolean }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = (await model
          .findOneAndUpdate(
            { phone: row.phone },
            {
              // Imported again, a number once found not on WhatsApp is checked again at the next
              // send (the admin vouches for it); an opt-out stays.
              $set: { valid: true, ...(row.name ? { name: row.name } : {}) },
              $addToSet: { segments: { $each: row.segments } },
              $setOnInsert: { _id: id, source },
            },
            { upsert: true, returnDocument: 'after', includeResultMetadata: true },
          )
          .lean()
          .exec()) as unknown as { value: unknown; lastErrorObject?: { updatedExisting?: boolean } };
        return { contact: toContact(res.value), added: res.lastErrorObject?.updatedExisting !== true };
      } catch (err) {
        // Two imports inserting the same new number: the unique index lets one in; the other updates.
        if (!isDuplicateKey(err) || attempt > 0) throw err;
      }
    }
  }

  return {
    /**
     * Upserts by phone, one document at a time (a bulk update of more than about 50 existing
     * documents in one command deadlocks FerretDB 1.24: each statement keeps a connection of its
     * 50-connection pool). Returns the contacts as written, for the audience counts.
     */
    async upsertMany(
      rows: readonly ContactUpsert[],
      source: string,
    ): Promise<{ added: number; updated: number; contacts: Contact[] }> {
      // Ids made here, in the file's order: new contacts keep it (runs walk contacts by _id),
      // whichever of the parallel upserts lands first.
      const ids = rows.map(() => new Types.ObjectId());
      const written = await mapLimit(rows, PARALLEL, (row, i) => upsertOne(row, source, ids[i]!));
      const added = written.filter((w) => w.added).length;
      return { added, updated: written.length - added, contacts: written.map((w) => w.contact) };
    },

    /** Opted out from now on; returns the contact as written (null: no such number). */
    async optOut(phone: string, at: Date): Promise<Contact | null> {
      const doc = await model
        .findOneAndUpdate(
          { phone },
          { $set: { optedOut: true, optedOutAt: at } },
          { returnDocument: 'after' },
        )
        .lean()
        .exec();
      return doc ? toContact(doc) : null;
    },

    /** By id, one lookup each (unknown and malformed ids are left out). */
    async byIds(ids: readonly string[]): Promise<Contact[]> {
      const valid = [...new Set(ids)].filter(isContactId);
      const docs = await mapLimit(valid, PARALLEL, (id) => model.findById(id).lean().exec());
      return docs.filter((d) => d !== null).map(toContact);
    },

    /** By phone, one lookup each, in the order asked (unknown numbers are left out). */
    async byPhones(phones: readonly string[]): Promise<Contact[]> {
      const docs = await mapLimit([...new Set(phones)], PARALLEL, (phone) =>
        model.findOne({ phone }).lean().exec(),
      );
      return docs.filter((d) => d !== null).map(toContact);
    },

    /** Every contact's audience state, in pages (no order), for a recount of the audience counts. */
    async *states(size: number): AsyncGenerator<ContactState[]> {
      let page: ContactState[] = [];
      for await (const doc of model.find({}, STATE_FIELDS).lean().cursor({ batchSize: size })) {
        page.push(doc as unknown as ContactState);
        if (page.length === size) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    },

    /**
     * Reads every contact of the segment (or all) and sorts them in FerretDB: the way to a page
     * when the sorted lists of the audience counts are not there yet.
     */
    async count(segment?: string): Promise<number> {
      return model.countDocuments(segment ? { segments: segment } : {}).exec();
    },

    async list(segment: string | undefined, skip: number, limit: number): Promise<Contact[]> {
      const docs = await model
        .find(segment ? { segments: segment } : {})
        .sort({ phone: 1 })
        .skip(skip)
        .limit(limit)
        .lean()
        .exec();
      return docs.map(toContact);
    },

    /** Pages in id order from one cursor, so a large audience is walked without holding it all. */
    async *batches(filter: Record<string, unknown>, size: number): AsyncGenerator<Contact[]> {
      let page: Contact[] = [];
      for await (const doc of model.find(filter).sort({ _id: 1 }).lean().cursor({ batchSize: size })) {
        page.push(toContact(doc));
        if (page.length === size) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    },
  };
}

export function isContactId(id: string): boolean {
  return Types.ObjectId.isValid(id) && String(new Types.ObjectId(id)) === id;
}

export type ContactRepository = ReturnType<typeof createContactRepository>;
