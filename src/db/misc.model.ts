import { type InferSchemaType, Schema } from 'mongoose';

/** Named counters (the campaign number shared by both platforms). */
export const counterSchema = new Schema(
  { _id: { type: String, required: true }, value: { type: Number, default: 0 } },
  { collection: 'counters', versionKey: false },
);

export const templateSchema = new Schema(
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

export const ADMIN_ROLES = ['owner', 'admin', 'viewer'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** Admins added in /settings (the ones in ADMIN_IDS are owners and need no document). */
export const adminSchema = new Schema(
  {
    _id: { type: Number, required: true },
    role: { type: String, enum: ADMIN_ROLES, required: true },
    name: String,
    addedBy: Number,
    language: String,
    timeZone: String,
    testPhone: String,
  },
  { timestamps: true, collection: 'admins' },
);

/** Key/value settings changed from the bot (defaults come from config). */
export const settingSchema = new Schema(
  { _id: { type: String, required: true }, value: Schema.Types.Mixed },
  { timestamps: true, collection: 'settings' },
);

export type TemplateDoc = InferSchemaType<typeof templateSchema>;
export type AdminDoc = InferSchemaType<typeof adminSchema> & { _id: number };
