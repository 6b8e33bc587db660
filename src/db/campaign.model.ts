import { Document, Schema } from 'mongoose';
import {
  type AudienceSpec,
  CAMPAIGN_STATUSES,
  CAMPAIGN_TYPES,
  type CampaignStatus,
  type CampaignType,
  type MessageButton,
  type MessageMedia,
  PLATFORMS,
  type Platform,
  type PlatformSettings,
  TRAINING_STATUSES,
  type TrainingStatus,
} from '../domain/campaign.js';
import { FREQUENCIES, type Frequency } from '../domain/schedule.js';
import { watchListKeys } from './campaign-list-hooks.js';

/** When a campaign sends: the next instant (UTC) and the wall-clock schedule it came from. */
export interface CampaignSchedule {
  /** the next (or only) instant to send */
  at?: Date;
  zone: string;
  localDate?: string;
  localTime?: string;
  frequency: Frequency;
  cron?: string;
  endDate?: string;
}

/** One run in a campaign's history, with its figures as they were when it ended. */
export interface RunRecord {
  run: number;
  startedAt?: Date;
  finishedAt?: Date;
  outcome?: 'published' | 'failed' | 'cancelled';
  total: number;
  sent: number;
  failed: number;
  unknown: number;
}

/**
 * The stored shape, declared by hand: mongoose's InferSchemaType on a schema this size cost tsc
 * minutes and gigabytes (measured: the whole project ran out of a 4 GB heap).
 */
export interface CampaignDoc {
  _id: number;
  name: string;
  nameLower: string;
  platform: Platform;
  type: CampaignType;
  status: CampaignStatus;
  featured: boolean;
  training: TrainingStatus;
  audience: AudienceSpec;
  message: {
    text: string;
    media?: MessageMedia;
    buttons?: MessageButton[][];
    placeholders?: Record<string, string>;
  };
  templateKey?: string;
  schedule: CampaignSchedule;
  settings: PlatformSettings;
  run: number;
  runs: RunRecord[];
  lease?: { owner?: string; expiresAt?: Date; epoch?: number };
  startedBy?: number;
  progress?: { chatId?: number; messageId?: number };
  dispatch?: { runFor?: Date; expandedRun?: number; total?: number; cursor?: number; pass?: number };
  pauseReason?: string;
  lastError?: string;
  createdBy?: number;
  updatedBy?: number;
  archivedAt?: Date;
  /** the save that created it (the wizard's): a repeated save finds it instead of making another */
  requestKey?: string;
  createdAt: Date;
  updatedAt: Date;
}

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

/** FerretDB 1.x stores no nested arrays, so a row of buttons is kept as `{ buttons: [...] }`. */
const buttonRowSchema = new Schema(
  { buttons: { type: [{ _id: false, text: String, url: String }], default: undefined } },
  { _id: false },
);

const toStoredRows = (rows: unknown) =>
  Array.isArray(rows) ? rows.map((row) => (Array.isArray(row) ? { buttons: row } : row)) : rows;

/** Back to the domain's rows of buttons (`Message['buttons']`) on everything read as a plain object. */
function fromStoredRows(doc: unknown): void {
  if (doc === null || typeof doc !== 'object' || doc instanceof Document) return;
  const message = (doc as { message?: { buttons?: unknown } }).message;
  if (!message || !Array.isArray(message.buttons)) return;
  message.buttons = message.buttons.map((row: unknown) =>
    Array.isArray(row) ? row : ((row as { buttons?: unknown[] }).buttons ?? []),
  );
}

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
export const campaignSchema = new Schema<CampaignDoc>(
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
      buttons: { type: [buttonRowSchema], default: undefined, set: toStoredRows },
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
    lease: {
      owner: String,
      expiresAt: Date,
      /** bumped by every claim; the dispatcher's writes are conditional on the epoch it claimed */
      epoch: Number,
    },
    /** who asked to send: the progress message goes to this chat */
    startedBy: Number,
    progress: { chatId: Number, messageId: Number },
    /**
     * The dispatcher's bookkeeping for the current run: which schedule instant it serves, whether its
     * audience was expanded (and how many recipients), how far the first pass got (every position
     * below `cursor` has its delivery written) and the latest retry pass.
     */
    dispatch: {
      runFor: Date,
      expandedRun: Number,
      total: Number,
      cursor: Number,
      pass: Number,
    },
    pauseReason: String,
    lastError: String,
    createdBy: Number,
    updatedBy: Number,
    archivedAt: Date,
    requestKey: String,
  },
  { timestamps: true, collection: 'campaigns', minimize: false },
);

campaignSchema.set('toObject', {
  transform: (_doc, ret) => {
    fromStoredRows(ret);
    return ret;
  },
});

campaignSchema.post(
  ['find', 'findOne', 'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete'],
  (result: unknown) => {
    if (Array.isArray(result)) result.forEach(fromStoredRows);
    else fromStoredRows(result);
  },
);

campaignSchema.index({ platform: 1, status: 1, updatedAt: -1 });
campaignSchema.index({ status: 1, 'schedule.at': 1 });
campaignSchema.index({ status: 1, 'lease.expiresAt': 1 });
campaignSchema.index({ nameLower: 1 });
campaignSchema.index({ createdAt: -1 });
campaignSchema.index({ requestKey: 1 });

/** Writes through this schema's models keep the /campaigns list index in step (campaign-list-hooks.ts). */
watchListKeys(campaignSchema);
