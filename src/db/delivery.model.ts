import { Schema } from 'mongoose';
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  FAILURE_REASONS,
  type FailureReason,
} from '../domain/analytics.js';

/**
 * One document per (campaign, run, recipient). The unique index makes audience expansion idempotent:
 * a restart upserts the same keys and never adds a recipient twice.
 */
export interface DeliveryDoc {
  campaignId: number;
  run: number;
  recipient: string;
  seq: number;
  /** the audience page of `seq` (dispatch_pages): a retry pass reads its pending ones page by page */
  page?: number;
  platform: 'telegram' | 'whatsapp';
  chatId?: number;
  chatKind?: 'private' | 'group' | 'channel';
  phone?: string;
  name?: string;
  batch?: number;
  status: DeliveryStatus;
  reason?: FailureReason;
  error?: string;
  attempts: number;
  messageId?: string;
  owner?: string;
  pass?: number;
  sendingAt?: Date;
  sentAt?: Date;
  deliveredAt?: Date;
  readAt?: Date;
  failedAt?: Date;
  clickedAt?: Date;
  clicks: number;
  respondedAt?: Date;
  responseMs?: number;
  convertedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const deliverySchema = new Schema<DeliveryDoc>(
  {
    campaignId: { type: Number, required: true },
    run: { type: Number, required: true },
    /** stable recipient key: tg:<chatId> or wa:<E.164> */
    recipient: { type: String, required: true },
    /** position in the audience; the sender walks deliveries in this order */
    seq: { type: Number, required: true },
    page: Number,
    platform: { type: String, enum: ['telegram', 'whatsapp'], required: true },
    chatId: Number,
    chatKind: { type: String, enum: ['private', 'group', 'channel'] },
    phone: String,
    name: String,
    batch: Number,
    status: { type: String, enum: DELIVERY_STATUSES, required: true, default: 'pending' },
    reason: { type: String, enum: FAILURE_REASONS },
    error: String,
    attempts: { type: Number, default: 0 },
    messageId: String,
    /** dispatcher that marked it `sending` (diagnostics) */
    owner: String,
    sendingAt: Date,
    /** retry pass that wrote the outcome (0: the first pass) */
    pass: Number,
    sentAt: Date,
    deliveredAt: Date,
    readAt: Date,
    failedAt: Date,
    clickedAt: Date,
    clicks: { type: Number, default: 0 },
    respondedAt: Date,
    responseMs: Number,
    convertedAt: Date,
  },
  { timestamps: true, collection: 'deliveries' },
);

// Each index is a btree on MongoDB and, on FerretDB, a btree plus a GIN companion per field (the
// one its equality filters use): every index costs every outcome insert, so only what lookups use.
deliverySchema.index({ campaignId: 1, run: 1, recipient: 1 }, { unique: true });
/** a retry pass, page by page of the audience (`page` = seq / 500), in send order */
deliverySchema.index({ campaignId: 1, run: 1, status: 1, page: 1, seq: 1 });
/** WhatsApp receipts without a message-id link, Telegram reaction counts */
deliverySchema.index({ platform: 1, messageId: 1 });
/** a reply the reach index cannot place: the sender's latest delivery */
deliverySchema.index({ recipient: 1, sentAt: -1 });
