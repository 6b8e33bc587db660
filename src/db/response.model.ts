import { Schema } from 'mongoose';

/**
 * A message a recipient sent back after a campaign reached them. `first` marks the one that set the
 * delivery's respondedAt; later ones are kept for the admins and for training but count once.
 */
export interface ResponseDoc {
  campaignId: number;
  run: number;
  recipient: string;
  platform: 'telegram' | 'whatsapp';
  text: string;
  media?: string;
  at: Date;
  responseMs: number;
  first: boolean;
  messageId?: string;
  autoReplied?: boolean;
  intent?: string;
  confidence?: number;
  routedToAdmins?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const responseSchema = new Schema<ResponseDoc>(
  {
    campaignId: { type: Number, required: true },
    run: { type: Number, required: true },
    recipient: { type: String, required: true },
    platform: { type: String, enum: ['telegram', 'whatsapp'], required: true },
    text: { type: String, default: '' },
    media: String,
    at: { type: Date, required: true },
    responseMs: { type: Number, required: true },
    first: { type: Boolean, default: false },
    messageId: String,
    autoReplied: Boolean,
    intent: String,
    confidence: Number,
    routedToAdmins: Boolean,
  },
  { timestamps: true, collection: 'responses' },
);
responseSchema.index({ campaignId: 1, run: 1, at: 1 });
responseSchema.index({ recipient: 1, at: -1 });

/**
 * One document per delivery that got a reply, keyed by the delivery's _id. Inserting it is the
 * one-winner decision "this is the first reply" (FerretDB 1.24 does not make conditional updates
 * atomic, a unique _id insert is).
 */
export const firstResponseSchema = new Schema<{ _id: unknown; at: Date }>(
  { _id: { type: Schema.Types.Mixed, required: true }, at: { type: Date, required: true } },
  { collection: 'response_firsts', versionKey: false },
);
