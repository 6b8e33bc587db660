import type { AdminRole } from '../domain/admin.js';
import type { Models } from './models.js';

/** An admin document: added admins carry a role, config admins' documents only preferences. */
export interface AdminRecord {
  id: number;
  role?: AdminRole;
  name?: string;
  addedBy?: number;
  language?: string;
  timeZone?: string;
  testPhone?: string;
}

function toAdmin(doc: unknown): AdminRecord {
  const { _id, __v, createdAt, updatedAt, ...rest } = doc as Record<string, unknown>;
  return { id: _id, ...rest } as unknown as AdminRecord;
}

export function createAdminRepository({ Admin: model }: Pick<Models, 'Admin'>) {
  return {
    async get(id: number): Promise<AdminRecord | null> {
      const doc = await model.findById(id).lean().exec();
      return doc ? toAdmin(doc) : null;
    },

    async upsert(id: number, set: Partial<Omit<AdminRecord, 'id'>>): Promise<AdminRecord> {
      const doc = await model
        .findOneAndUpdate({ _id: id }, { $set: set }, { upsert: true, returnDocument: 'after' })
        .lean()
        .exec();
      return toAdmin(doc);
    },

    /** Sets fields on an existing document only; false when there is none. */
    async update(id: number, set: Partial<Omit<AdminRecord, 'id'>>): Promise<boolean> {
      const result = await model.updateOne({ _id: id }, { $set: set }).exec();
      return result.matchedCount > 0;
    },

    /** Takes the role away; the document stays if it still holds preferences. */
    async removeRole(id: number): Promise<boolean> {
      const result = await model
        .updateOne({ _id: id, role: { $exists: true } }, { $unset: { role: 1 } })
        .exec();
      return result.modifiedCount > 0;
    },

    async withRoles(): Promise<AdminRecord[]> {
      const docs = await model
        .find({ role: { $exists: true } })
        .sort({ _id: 1 })
        .lean()
        .exec();
      return docs.map(toAdmin);
    },
  };
}

export type AdminRepository = ReturnType<typeof createAdminRepository>;
