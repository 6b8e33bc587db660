import { type CampaignStatus, NAME_LIMIT, type Platform } from './campaign.js';
import { CampaignNotEditableError, IllegalTransitionError } from './errors.js';

export const CAMPAIGN_ACTIONS = [
  'schedule',
  'unschedule',
  'start',
  'pause',
  'resume',
  'complete',
  'fail',
  'retry',
  'cancel',
  'recur',
  'archive',
] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

/**
 * The only place that says which status changes exist. `recur` is the end of a recurring run: the
 * campaign goes back to `scheduled` with its next occurrence instead of `published`.
 */
export const TRANSITIONS: Readonly<
  Record<CampaignAction, Readonly<Partial<Record<CampaignStatus, CampaignStatus>>>>
> = {
  schedule: { draft: 'scheduled' },
  unschedule: { scheduled: 'draft' },
  start: { scheduled: 'sending', draft: 'sending' },
  pause: { sending: 'paused' },
  resume: { paused: 'sending' },
  complete: { sending: 'published' },
  fail: { sending: 'failed' },
  retry: { failed: 'sending' },
  cancel: { scheduled: 'cancelled', paused: 'cancelled', sending: 'cancelled' },
  recur: { sending: 'scheduled' },
  archive: { published: 'archived', failed: 'archived', cancelled: 'archived' },
};

export function canTransition(from: CampaignStatus, action: CampaignAction): boolean {
  return TRANSITIONS[action][from] !== undefined;
}

export function transition(from: CampaignStatus, action: CampaignAction): CampaignStatus {
  const to = TRANSITIONS[action][from];
  if (to === undefined) throw new IllegalTransitionError(from, action);
  return to;
}

export function canEdit(status: CampaignStatus): boolean {
  return status === 'draft' || status === 'scheduled';
}

export function assertEditable(status: CampaignStatus): void {
  if (!canEdit(status)) throw new CampaignNotEditableError(status);
}

export type DeleteOutcome = 'remove' | 'archive';

/** Published and failed campaigns have deliveries worth keeping for analytics, so they are archived. */
export function deleteOutcome(status: CampaignStatus): DeleteOutcome {
  switch (status) {
    case 'draft':
    case 'scheduled':
    case 'cancelled':
      return 'remove';
    case 'published':
    case 'failed':
      return 'archive';
    case 'sending':
    case 'paused':
    case 'archived':
      throw new IllegalTransitionError(status, 'delete');
  }
}

const COPY_PREFIX = 'Copy of ';

export function duplicateName(name: string): string {
  const full = COPY_PREFIX + name.trim();
  const chars = Array.from(full);
  if (chars.length <= NAME_LIMIT) return full;
  return chars.slice(0, NAME_LIMIT - 1).join('') + '…';
}

export const CARD_ACTIONS = [
  'feature',
  'edit',
  'delete',
  'duplicate',
  'send_test',
  'cancel',
  'pause',
  'resume',
  'retry',
  'stats',
  'schedule',
  'send_now',
] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

const HAS_DELIVERIES: readonly CampaignStatus[] = [
  'sending',
  'paused',
  'published',
  'failed',
  'cancelled',
  'archived',
];

function cardActionAllowed(action: CardAction, status: CampaignStatus, platform: Platform): boolean {
  switch (action) {
    case 'feature':
      return platform === 'whatsapp' && status !== 'archived';
    case 'edit':
    case 'send_test':
      return canEdit(status);
    case 'delete':
      return status !== 'sending' && status !== 'paused' && status !== 'archived';
    case 'duplicate':
      return true;
    case 'cancel':
    case 'pause':
    case 'resume':
    case 'retry':
    case 'schedule':
      return canTransition(status, action);
    case 'send_now':
      return canTransition(status, 'start');
    case 'stats':
      return HAS_DELIVERIES.includes(status);
  }
}

/** The buttons a campaign card offers, in a stable order. */
export function allowedActions(status: CampaignStatus, platform: Platform): CardAction[] {
  return CARD_ACTIONS.filter((action) => cardActionAllowed(action, status, platform));
}
