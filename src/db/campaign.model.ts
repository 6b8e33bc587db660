import { type InferSchemaType, Schema } from 'mongoose';
import { CAMPAIGN_STATUSES, CAMPAIGN_TYPES, PLATFORMS, TRAINING_STATUSES } from '../domain/campaign.js';
import { FREQUENCIES } from '../domain/schedule.js';

const mediaSchema = new Schema(
  {
    kind: { type: String, enum: ['photo', 'video', 'document'], required: true },
    fileId: String,
    fileName: String,
    mime: { type: String, required: true },
    size: { type: Number, required: true },
  },
  { _id: false },
);

const runSchema = new Schema(
  {
    run: { type: Number, required: true },
    startedAt: Date,
    finishedAt: Date,
    outcome: { type: String, enum: ['published', 'failed', 'cancelled'] },
    total: { type: Number, default: 0 },
    sent: { type: Number, default: 0 },
    failed: { type: Number, default: 0 },
    unknown: { type: Number, default: 0 },
  },
  { _id: false },
);

/**
 * A campaign. `_id` is the human-friendly number shared by both platforms (the seed's IDs 1–10),
 * handed out by the `counters` collection.
 */
export const campaignSchema = new Schema(
  {
    _id: { type: Number, required: true },
    name: { type: String, required: true, maxlength: 100 },
    nameLower: { type: String, required: true },
    platform: { type: String, enum: PLATFORMS, required: true },
    type: { type: String, enum: CAMPAIGN_TYPES, required: true, default: 'promotional' },
    status: { type: String, enum: CAMPAIGN_STATUSES, required: true, default: 'draft' },
    featured: { type: Boolean, default: false },
    training: { type: String, enum: TRAINING_STATUSES, default: 'not_trained' },
    audience: { type: Schema.Types.Mixed, required: true },
    message: {
      text: { type: String, default: '' },
      media: { type: mediaSchema, required: false },
      buttons: { type: [[{ _id: false, text: String, url: String }]], default: undefined },
      placeholders: { type: Schema.Types.Mixed, default: undefined },
    },
    templateKey: String,
    schedule: {
      /** the next (or only) instant to send, UTC */
      at: Date,
      /** IANA zone the admin chose; every time is shown in it */
      zone: { type: String, default: 'UTC' },
      /** the first local date and time, kept so recurrences keep their wall-clock time */
      localDate: String,
      localTime: String,
      frequency: { type: String, enum: FREQUENCIES, default: 'none' },
      cron: String,
      endDate: String,
    },
    settings: { type: Schema.Types.Mixed, required: true },
    /** the run being (or last) sent; deliveries are keyed by (campaign, run, recipient) */
    run: { type: Number, default: 0 },
    runs: { type: [runSchema], default: [] },
    counters: {
      total: { type: Number, default: 0 },
      sent: { type: Number, default: 0 },
      failed: { type: Number, default: 0 },
      unknown: { type: Number, default: 0 },
    },
    lease: {
      owner: String,
      expiresAt: Date,
    },
    /** who asked to send: the progress message goes to this chat */
    startedBy: Number,
    progress: { chatId: Number, messageId: Number },
    pauseReason: String,
    lastError: String,
    createdBy: Number,
    updatedBy: Number,
    archivedAt: Date,
  },
  { timestamps: true, collection: 'campaigns', minimize: false },
);

campaignSchema.index({ platform: 1, status: 1, updatedAt: -1 });
campaignSchema.index({ status: 1, 'schedule.at': 1 });
campaignSchema.index({ status: 1, 'lease.expiresAt': 1 });
campaignSchema.index({ nameLower: 1 });
campaignSchema.index({ createdAt: -1 });

export type CampaignDoc = InferSchemaType<typeof campaignSchema> & { _id: number };
