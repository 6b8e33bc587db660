import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { FailureReason } from '../../domain/analytics.js';
import type {
  AudienceSpec,
  CampaignStatus,
  Message,
  Platform,
  TelegramSettings,
} from '../../domain/campaign.js';
import type { CampaignSchedule, RunRecord } from '../campaign.model.js';

export type { RunRecord } from '../campaign.model.js';

/** The shapes the dispatcher's repositories share (one type per concept, used by every part). */

export type ChatKind = 'private' | 'group' | 'channel';

/** One recipient as an audience source yields it. */
export interface DispatchRecipient {
  chatId: number;
  kind: ChatKind;
  /** fills [Name]: a subscriber's first name or a chat's title */
  name?: string;
  /** false when we know the bot may not pin there */
  canPin?: boolean;
  /** E.164, for a WhatsApp contact (chatId is 0 then) */
  phone?: string;
}

/** A recipient of the current run, with its position and the pass that sends it. */
export interface WorkItem extends DispatchRecipient {
  recipient: string;
  seq: number;
  pass: number;
}

export interface DispatchState {
  /** the schedule instant the current run serves */
  runFor?: Date;
  /** the run whose audience is in dispatch_pages */
  expandedRun?: number;
  total: number;
  /** every position below this has its delivery written */
  cursor: number;
  pass: number;
}

export interface DispatchCampaign {
  id: number;
  name: string;
  status: CampaignStatus;
  platform: Platform;
  audience: AudienceSpec;
  message: Message & { placeholders?: Record<string, string> | null };
  settings: TelegramSettings;
  schedule: CampaignSchedule;
  run: number;
  runs: RunRecord[];
  dispatch: DispatchState;
  lease?: { owner?: string; expiresAt?: Date; epoch?: number };
  startedBy?: number;
  createdBy?: number;
  progress?: { chatId?: number; messageId?: number };
  pauseReason?: string;
}

export type FinalStatus = 'sent' | 'failed' | 'unknown';

/** What a dispatcher holds after a claim; every write about the campaign is conditional on it. */
export interface LeaseToken {
  owner: string;
  epoch: number;
}

/** The outcome of one work item, as the run hands it over for writing. */
export interface DeliveryResult {
  item: WorkItem;
  status: FinalStatus;
  reason?: FailureReason;
  error?: string;
  attempts: number;
  /** Telegram's message id, or WhatsApp's serialized message id */
  messageId?: number | string;
  /** WhatsApp: the 1-based batch (broadcast list) it was sent in */
  batch?: number;
  /** the chat it finally went to (differs after a group migration) */
  chatId: number;
  owner: string;
  sendingAt: Date;
  at: Date;
}

export interface RunCounts {
  sent: number;
  failed: number;
  unknown: number;
  pending: number;
  reasons: Partial<Record<FailureReason, number>>;
}

/** Where the audience comes from; the default reads subscribers and chats (createRecipientSource). */
export interface RecipientSource {
  /** Every recipient once, in a stable order, in batches (single ones allowed). */
  recipients(campaign: DispatchCampaign): AsyncIterable<DispatchRecipient[] | DispatchRecipient>;
}

/** The delivery's _id, derived from its unique key so that writing an outcome twice is a duplicate. */
export function deliveryId(campaignId: number, run: number, recipient: string): Types.ObjectId {
  const hex = createHash('sha1').update(`${campaignId}:${run}:${recipient}`).digest('hex').slice(0, 24);
  return new Types.ObjectId(hex);
}

const isDuplicate = (code: unknown) => code === 11000 || code === 11001;

/** Indexes of an unordered insertMany that failed only on duplicate keys; other errors are rethrown. */
export function duplicateIndexes(err: unknown): Set<number> {
  const e = err as {
    code?: number;
    writeErrors?: { index: number; code: number }[] | { index: number; code: number };
  };
  const list =
    e.writeErrors === undefined ? [] : Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
  if (list.length === 0) {
    if (isDuplicate(e.code)) return new Set([0]);
    throw err;
  }
  if (list.some((w) => !isDuplicate(w.code))) throw err;
  return new Set(list.map((w) => w.index));
}

export function toDispatchCampaign(doc: Record<string, unknown>): DispatchCampaign {
  // `counters`: kept on campaigns by earlier versions; the figures are in the counter store now.
  const {
    _id,
    dispatch,
    runs,
    counters: _old,
    ...rest
  } = doc as Record<string, unknown> & {
    dispatch?: Partial<DispatchState>;
    runs?: RunRecord[];
  };
  return {
    ...(rest as unknown as DispatchCampaign),
    id: _id as number,
    runs: runs ?? [],
    dispatch: {
      ...(dispatch?.runFor ? { runFor: dispatch.runFor } : {}),
      ...(typeof dispatch?.expandedRun === 'number' ? { expandedRun: dispatch.expandedRun } : {}),
      total: dispatch?.total ?? 0,
      cursor: dispatch?.cursor ?? 0,
      pass: dispatch?.pass ?? 0,
    },
  };
}
