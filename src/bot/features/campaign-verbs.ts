import type { CampaignStatus } from '../../domain/campaign.js';
import type { CardAction } from '../../domain/lifecycle.js';

/**
 * The buttons of a campaign card: `camp:<list>:a:<id>:<status code>:<verb>`. The status the card
 * showed is part of each of them, and the verbs that send, stop or delete are armed.
 */

/** The status a card showed is part of each of its buttons, so a press on an outdated card is caught. */
export const STATUS_CODES: Record<CampaignStatus, string> = {
  draft: 'd',
  scheduled: 's',
  sending: 'x',
  paused: 'p',
  published: 'u',
  failed: 'f',
  cancelled: 'c',
  archived: 'a',
};

/** Card verbs → the card action whose availability decides them. */
export const VERBS: Record<string, CardAction> = {
  fe: 'feature',
  ed: 'edit',
  en: 'edit',
  em: 'edit',
  es: 'edit',
  de: 'delete',
  dy: 'delete',
  du: 'duplicate',
  ca: 'cancel',
  cy: 'cancel',
  pa: 'pause',
  re: 'resume',
  ry: 'resume',
  rt: 'retry',
  ty: 'retry',
  st: 'stats',
  sc: 'schedule',
  sy: 'schedule',
  sn: 'send_now',
  ny: 'send_now',
};
/** Verbs that send, stop or delete: valid only on the button the bot showed this admin (armed-actions.ts). */
export const ARMED_VERBS = new Set(['dy', 'cy', 'ry', 'ty', 'ny', 'sy', 'pa']);
/** Verbs that change nothing, so a viewer may use them. */
export const READ_ONLY_VERBS = new Set(['st']);
/** Verbs whose effect does not depend on the exact status the card showed. */
export const STATUS_FREE_VERBS = new Set(['fe', 'du', 'st', 'te']);

export const CARD_BUTTONS: Record<CardAction, { verb: string; key: string }> = {
  feature: { verb: 'fe', key: 'campaigns-btn-feature' },
  edit: { verb: 'ed', key: 'campaigns-btn-edit' },
  delete: { verb: 'de', key: 'campaigns-btn-delete' },
  duplicate: { verb: 'du', key: 'campaigns-btn-duplicate' },
  send_test: { verb: 'te', key: 'campaigns-btn-send-test' },
  cancel: { verb: 'ca', key: 'campaigns-btn-cancel' },
  pause: { verb: 'pa', key: 'campaigns-btn-pause' },
  resume: { verb: 're', key: 'campaigns-btn-resume' },
  retry: { verb: 'rt', key: 'campaigns-btn-retry' },
  stats: { verb: 'st', key: 'campaigns-btn-stats' },
  schedule: { verb: 'sc', key: 'campaigns-btn-schedule' },
  send_now: { verb: 'sn', key: 'campaigns-btn-send-now' },
};
