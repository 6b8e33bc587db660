import { Types } from 'mongoose';
import type { ContactRow } from '../domain/audience.js';
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

const BULK_CHUNK = 1000;

export function createContactRepository({ Contact: model }: Pick<Models, 'Contact'>) {
  return {
    /**
     * Upserts by phone: the name is replaced when given, segments are added, and an opt-out is never
     * undone by an import.
     */
    async upsertMany(
      rows: readonly ContactUpsert[],
      source: string,
    ): Promise<{ added: number; updated: number }> {
      let added = 0;
      let updated = 0;
      for (let i = 0; i < rows.length; i += BULK_CHUNK) {
        const result = await model.bulkWrite(
          rows.slice(i, i + BULK_CHUNK).map((row) => ({
            updateOne: {
              filter: { phone: row.phone },
              // Imported again, a number once found not on WhatsApp is checked again at the next
              // send (the admin vouches for it); an opt-out stays.
              update: {
                $set: { valid: true, ...(row.name ? { name: row.name } : {}) },
                $addToSet: { segments: { $each: row.segments } },
                $setOnInsert: { source },
              },
              upsert: true,
            },
          })),
          { ordered: false },
        );
        added += result.upsertedCount;
        updated += result.matchedCount;
      }
      return { added, updated };
    },

    async optOut(phone: string, at: Date): Promise<boolean> {
      const result = await model.updateOne({ phone }, { $set: { optedOut: true, optedOutAt: at } }).exec();
      return result.matchedCount > 0;
    },

    /** Contacts per segment (a contact in two segments counts in both). */
    async segmentCounts(): Promise<Map<string, number>> {
      const rows = await model
        .aggregate<{ _id: string; n: number }>([
          { $unwind: '$segments' },
          { $group: { _id: '$segments', n: { $sum: 1 } } },
        ])
        .exec();
      return new Map(rows.map((r) => [r._id, r.n]));
    },

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
