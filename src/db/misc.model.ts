import { Schema } from 'mongoose';
import { ADMIN_ROLES, type AdminRole } from '../domain/admin.js';

export interface TemplateDoc {
  key: string;
  name: string;
  category: 'promotional' | 'engagement' | 'transactional';
  text: string;
  builtIn: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface AdminDoc {
  _id: number;
  role?: AdminRole;
  name?: string;
  addedBy?: number;
  language?: string;
  timeZone?: string;
  testPhone?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Named counters (the campaign number shared by both platforms). */
export const counterSchema = new Schema<{ _id: string; value: number }>(
  { _id: { type: String, required: true }, value: { type: Number, default: 0 } },
  { collection: 'counters', versionKey: false },
);

export const templateSchema = new Schema<TemplateDoc>(
  {
    key: { type: String, required: true },
    name: { type: String, required: true },
    category: { type: String, enum: ['promotional', 'engagement', 'transactional'], required: true },
    text: { type: String, required: true },
    builtIn: { type: Boolean, default: false },
  },
  { timestamps: true, collection: 'templates' },
);
templateSchema.index({ key: 1 }, { unique: true });

export { ADMIN_ROLES, type AdminRole } from '../domain/admin.js';

/**
 * Admins added in /settings (the ones in ADMIN_IDS are owners and need no document). A document
 * without a role only holds a config admin's preferences (zone, language): it grants nothing, so
 * someone taken out of ADMIN_IDS loses access.
 */
export const adminSchema = new Schema<AdminDoc>(
  {
    _id: { type: Number, required: true },
    role: { type: String, enum: ADMIN_ROLES },
    name: String,
    addedBy: Number,
    language: String,
    timeZone: String,
    testPhone: String,
  },
  { timestamps: true, collection: 'admins' },
);

/** Key/value settings changed from the bot (defaults come from config). */
export const settingSchema = new Schema<{ _id: string; value: unknown }>(
  { _id: { type: String, required: true }, value: Schema.Types.Mixed },
  { timestamps: true, collection: 'settings' },
);
