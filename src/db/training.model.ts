import { Schema, type Types } from 'mongoose';
import { ROUTE_REASONS, type RouteReason } from '../domain/training.js';

/** A campaign's training: its intents, the trained model (NLP.js export as a JSON string) and counts. */
export interface TrainingDoc {
  /** the campaign id */
  _id: number;
  intents: { name: string; examples: string[]; response: string }[];
  /** answer replies automatically once trained (on by default; an admin can pause it) */
  autoReply: boolean;
  /** FerretDB 1.x stores no nested arrays, and the model has many: it is kept as one JSON string */
  model?: string;
  trainedAt?: Date;
  trainedBy?: number;
  /** why the latest Train did not succeed (a DomainError code and params) */
  lastError?: { code: string; params: Record<string, string | number> };
  autoReplies: number;
  routed: number;
  createdAt: Date;
  updatedAt: Date;
}

export const trainingSchema = new Schema<TrainingDoc>(
  {
    _id: { type: Number, required: true },
    intents: {
      type: [
        {
          _id: false,
          name: { type: String, required: true },
          examples: { type: [String], default: [] },
          response: { type: String, required: true },
        },
      ],
      default: [],
    },
    autoReply: { type: Boolean, default: true },
    model: String,
    trainedAt: Date,
    trainedBy: Number,
    lastError: { type: Schema.Types.Mixed, default: undefined },
    autoReplies: { type: Number, default: 0 },
    routed: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'trainings', minimize: false },
);

/**
 * A reply that was not answered automatically (low confidence, or the contact's auto-reply limit),
 * sent to the admins with an "Answer" button. A typed answer is sent to a Telegram subscriber by the
 * bot at once; for a WhatsApp contact it waits here (`delivery: 'queued'`) for the whatsapp role.
 */
export interface TrainingInboxDoc {
  _id: Types.ObjectId;
  campaignId: number;
  platform: 'telegram' | 'whatsapp';
  recipient: string;
  chatId?: number;
  phone?: string;
  text: string;
  intent?: string;
  confidence: number;
  reason: RouteReason;
  responseId?: string;
  at: Date;
  answer?: { text: string; by: number; at: Date };
  delivery: 'none' | 'queued' | 'sending' | 'sent' | 'failed';
  createdAt: Date;
  updatedAt: Date;
}

export const trainingInboxSchema = new Schema<TrainingInboxDoc>(
  {
    campaignId: { type: Number, required: true },
    platform: { type: String, enum: ['telegram', 'whatsapp'], required: true },
    recipient: { type: String, required: true },
    chatId: Number,
    phone: String,
    text: { type: String, default: '' },
    intent: String,
    confidence: { type: Number, default: 0 },
    reason: { type: String, enum: ROUTE_REASONS, required: true },
    responseId: String,
    at: { type: Date, required: true },
    answer: { type: { _id: false, text: String, by: Number, at: Date }, default: undefined },
    delivery: { type: String, enum: ['none', 'queued', 'sending', 'sent', 'failed'], default: 'none' },
  },
  { timestamps: true, collection: 'training_inbox' },
);
trainingInboxSchema.index({ platform: 1, delivery: 1, updatedAt: 1 });
trainingInboxSchema.index({ campaignId: 1, at: -1 });
