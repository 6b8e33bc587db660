import { Schema } from 'mongoose';

/** A WhatsApp contact. Opted-out and invalid numbers are kept (to honour the opt-out) but never sent to. */
export interface ContactDoc {
  phone: string;
  name: string;
  segments: string[];
  optedOut: boolean;
  optedOutAt?: Date;
  valid: boolean;
  whatsappId?: string;
  source: string;
  createdAt: Date;
  updatedAt: Date;
}

export const contactSchema = new Schema<ContactDoc>(
  {
    phone: { type: String, required: true },
    name: { type: String, default: '' },
    segments: { type: [String], default: [] },
    optedOut: { type: Boolean, default: false },
    optedOutAt: Date,
    valid: { type: Boolean, default: true },
    whatsappId: String,
    source: { type: String, default: 'manual' },
  },
  { timestamps: true, collection: 'contacts' },
);
contactSchema.index({ phone: 1 }, { unique: true });
contactSchema.index({ segments: 1 });
