import { describe, expect, it } from 'vitest';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../../src/domain/campaign.js';
import { CampaignNotEditableError, IllegalTransitionError } from '../../src/domain/errors.js';
import {
  allowedActions,
  assertEditable,
  CAMPAIGN_ACTIONS,
  type CampaignAction,
  canEdit,
  canTransition,
  deleteOutcome,
  duplicateName,
  transition,
} from '../../src/domain/lifecycle.js';

// Written out by hand from the brief so that the table in lifecycle.ts is checked, not echoed.
const LEGAL: ReadonlyArray<[CampaignStatus, CampaignAction, CampaignStatus]> = [
  ['draft', 'schedule', 'scheduled'],
  ['scheduled', 'unschedule', 'draft'],
  ['scheduled', 'start', 'sending'],
  ['draft', 'start', 'sending'],
  ['sending', 'pause', 'paused'],
  ['paused', 'resume', 'sending'],
  ['sending', 'complete', 'published'],
  ['sending', 'fail', 'failed'],
  ['failed', 'retry', 'sending'],
  ['scheduled', 'cancel', 'cancelled'],
  ['paused', 'cancel', 'cancelled'],
  ['sending', 'cancel', 'cancelled'],
  ['sending', 'recur', 'scheduled'],
  ['published', 'archive', 'archived'],
  ['failed', 'archive', 'archived'],
  ['cancelled', 'archive', 'archived'],
];

const isLegal = (from: CampaignStatus, action: CampaignAction) =>
  LEGAL.some(([f, a]) => f === from && a === action);

const ILLEGAL = CAMPAIGN_STATUSES.flatMap((from) =>
  CAMPAIGN_ACTIONS.filter((action) => !isLegal(from, action)).map((action) => [from, action] as const),
);

describe('transition', () => {
  it.each(LEGAL)('%s --%s--> %s', (from, action, to) => {
    expect(transition(from, action)).toBe(to);
    expect(canTransition(from, action)).toBe(true);
  });

  it('has 8 statuses x 11 actions with exactly 16 legal moves', () => {
    expect(CAMPAIGN_STATUSES.length * CAMPAIGN_ACTIONS.length).toBe(88);
    expect(ILLEGAL).toHaveLength(88 - 16);
  });

  it.each(ILLEGAL)('refuses to %s --%s', (from, action) => {
    expect(canTransition(from, action)).toBe(false);
    let caught: unknown;
    try {
      transition(from, action);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IllegalTransitionError);
    expect((caught as IllegalTransitionError).code).toBe('illegal-transition');
    expect((caught as IllegalTransitionError).params).toEqual({ from, action });
  });

  it('never leaves archived', () => {
    for (const action of CAMPAIGN_ACTIONS)
      expect(() => transition('archived', action)).toThrow(IllegalTransitionError);
  });
});

describe('editing', () => {
  it('allows draft and scheduled only', () => {
    const editable = CAMPAIGN_STATUSES.filter(canEdit);
    expect(editable).toEqual(['draft', 'scheduled']);
  });

  it.each(['sending', 'paused', 'published', 'failed', 'cancelled', 'archived'] as const)(
    'refuses to edit a %s campaign',
    (status) => {
      expect(() => assertEditable(status)).toThrow(CampaignNotEditableError);
      try {
        assertEditable(status);
      } catch (error) {
        expect((error as CampaignNotEditableError).params).toEqual({ status });
      }
    },
  );

  it('lets a scheduled campaign be edited', () => {
    expect(() => assertEditable('scheduled')).not.toThrow();
  });
});

describe('deleteOutcome', () => {
  it('removes campaigns that never sent and archives sent ones', () => {
    expect(deleteOutcome('draft')).toBe('remove');
    expect(deleteOutcome('scheduled')).toBe('remove');
    expect(deleteOutcome('cancelled')).toBe('remove');
    expect(deleteOutcome('published')).toBe('archive');
    expect(deleteOutcome('failed')).toBe('archive');
  });

  it.each(['sending', 'paused', 'archived'] as const)('refuses to delete a %s campaign', (status) => {
    expect(() => deleteOutcome(status)).toThrow(IllegalTransitionError);
    try {
      deleteOutcome(status);
    } catch (error) {
      expect((error as IllegalTransitionError).params).toEqual({ from: status, action: 'delete' });
    }
  });
});

describe('duplicateName', () => {
  it('prefixes "Copy of"', () => {
    expect(duplicateName('Summer Super Sale')).toBe('Copy of Summer Super Sale');
  });

  it('keeps a name that fits exactly 100 characters', () => {
    const name = 'x'.repeat(92);
    expect(duplicateName(name)).toBe('Copy of ' + name);
    expect(duplicateName(name)).toHaveLength(100);
  });

  it('truncates to 100 characters with an ellipsis, never splitting an emoji', () => {
    const copy = duplicateName('🔥'.repeat(100));
    const chars = Array.from(copy);
    expect(chars).toHaveLength(100);
    expect(copy.startsWith('Copy of 🔥')).toBe(true);
    expect(chars.at(-1)).toBe('…');
    expect(chars.at(-2)).toBe('🔥');
  });
});

describe('allowedActions', () => {
  it('matches the seed list: published WhatsApp campaigns show ⚡ but not edit', () => {
    expect(allowedActions('published', 'whatsapp')).toEqual(['feature', 'delete', 'duplicate', 'stats']);
    expect(allowedActions('published', 'telegram')).toEqual(['delete', 'duplicate', 'stats']);
  });

  it('lets a scheduled campaign be edited, cancelled, deleted, tested and sent now', () => {
    expect(allowedActions('scheduled', 'telegram')).toEqual([
      'edit',
      'delete',
      'duplicate',
      'send_test',
      'cancel',
      'send_now',
    ]);
  });

  it('offers schedule and send now on a draft', () => {
    expect(allowedActions('draft', 'whatsapp')).toEqual([
      'feature',
      'edit',
      'delete',
      'duplicate',
      'send_test',
      'schedule',
      'send_now',
    ]);
  });

  it('offers pause and cancel while sending, resume and cancel while paused, never delete', () => {
    expect(allowedActions('sending', 'telegram')).toEqual(['duplicate', 'cancel', 'pause', 'stats']);
    expect(allowedActions('paused', 'telegram')).toEqual(['duplicate', 'cancel', 'resume', 'stats']);
  });

  it('offers retry on a failed campaign', () => {
    expect(allowedActions('failed', 'telegram')).toEqual(['delete', 'duplicate', 'retry', 'stats']);
  });

  it('keeps archived campaigns to duplicate and stats', () => {
    expect(allowedActions('archived', 'whatsapp')).toEqual(['duplicate', 'stats']);
  });

  it('never offers feature on Telegram', () => {
    for (const status of CAMPAIGN_STATUSES)
      expect(allowedActions(status, 'telegram')).not.toContain('feature');
  });

  it('only offers edit where editing is allowed and delete where deleteOutcome succeeds', () => {
    for (const status of CAMPAIGN_STATUSES) {
      const actions = allowedActions(status, 'whatsapp');
      expect(actions.includes('edit')).toBe(canEdit(status));
      let deletable = true;
      try {
        deleteOutcome(status);
      } catch {
        deletable = false;
      }
      expect(actions.includes('delete')).toBe(deletable);
    }
  });
});
