import type { Config } from '../config.js';
import { createCampaignRepository } from '../db/campaign.repository.js';
import type { CounterStore } from '../db/counter.store.js';
import { createTrackingRepository } from '../db/tracking.repository.js';
import type { Message } from '../domain/campaign.js';
import { CampaignNotEditableError, NotFoundError } from '../domain/errors.js';
import { fillPlaceholders, parseFormatting } from '../domain/message.js';
import {
  goalToken,
  InvalidGoalUrlError,
  listLinks,
  readClickToken,
  readGoalToken,
  resolveLink,
  trackingSecret,
  withGoalParam,
} from '../domain/tracking.js';
import { createKeyedQueue } from '../lib/keyed-queue.js';
import type { ServiceDeps } from './deps.js';
import { systemClock } from './deps.js';

export type TrackingConfig = Pick<Config, 'BOT_TOKEN'> & Partial<Pick<Config, 'PUBLIC_URL' | 'CLICK_SECRET'>>;

/** Per-campaign tracking settings, stored with the platform settings (an open object). */
export interface TrackingSettings {
  /** false turns click tracking off for the campaign; unset means on (when PUBLIC_URL is set) */
  trackClicks?: boolean;
  /** the page that means "converted"; `/g/<token>` records the conversion and redirects there */
  goalUrl?: string;
}

export type TrackingState = 'on' | 'off_campaign' | 'off_no_public_url';

export type ClickOutcome =
  | { kind: 'redirect'; location: string; record(): Promise<boolean> }
  | { kind: 'invalid' }
  | { kind: 'gone' };

export type GoalOutcome = { kind: 'recorded'; first: boolean; location?: string } | { kind: 'invalid' };

/** The links of a message exactly as the dispatcher numbers them (campaign-wide placeholders filled). */
export function messageLinks(message: Message & { placeholders?: Record<string, string> | null }): string[] {
  const fixed: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.placeholders ?? {})) if (typeof v === 'string') fixed[k] = v;
  const text = Object.keys(fixed).length > 0 ? fillPlaceholders(message.text, fixed) : message.text;
  const parsed = parseFormatting(text);
  return listLinks({ ...parsed, ...(message.buttons ? { buttons: message.buttons } : {}) });
}

/** An http(s) URL as typed by an admin, or an InvalidGoalUrlError. */
export function normalizeGoalUrl(input: string): string {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidGoalUrlError(text);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidGoalUrlError(text);
  return url.toString();
}

export function trackingSettings(settings: object): TrackingSettings {
  const s = settings as TrackingSettings;
  return {
    ...(typeof s.trackClicks === 'boolean' ? { trackClicks: s.trackClicks } : {}),
    ...(typeof s.goalUrl === 'string' && s.goalUrl ? { goalUrl: s.goalUrl } : {}),
  };
}

/** Clicks on tracked links and conversions; used by the http role (`/c/…`, `/g/…`) and the card. */
export function createTrackingService(
  deps: ServiceDeps & { config: TrackingConfig; counters: CounterStore },
) {
  const { models, logger, config } = deps;
  const clock = deps.clock ?? systemClock;
  const secret = trackingSecret(config.BOT_TOKEN, config.CLICK_SECRET);
  const campaigns = createCampaignRepository(models);
  const repo = createTrackingRepository(models, deps.counters);
  const log = logger.child({ service: 'tracking' });
  /**
   * One recipient's clicks and conversions are written one after another in this process, so that
   * their updates of one delivery cannot undo each other on FerretDB (its updates are not atomic);
   * across several http processes a stamp may still be lost (the counters and the CSV keep it: the
   * one-winner marks decide them), a repeat click from the delivery's own total too.
   */
  const inOrder = createKeyedQueue();

  /** A setting was not written: the campaign is missing, or it is being sent right now. */
  async function whyNot(id: number): Promise<never> {
    const c = await campaigns.get(id);
    if (!c) throw new NotFoundError('campaign', id);
    throw new CampaignNotEditableError(c.status);
  }

  return {
    /** Whether a campaign's links are rewritten, and if not, why. */
    state(settings: object): TrackingState {
      if (!config.PUBLIC_URL) return 'off_no_public_url';
      return trackingSettings(settings).trackClicks === false ? 'off_campaign' : 'on';
    },

    /**
     * Resolves a click token to its destination at once; `record()` stores the click and resolves
     * to true for the recipient's first one (the http route redirects first, then records).
     */
    async click(token: string): Promise<ClickOutcome> {
      const ref = readClickToken(secret, token);
      if (!ref) return { kind: 'invalid' };
      const campaign = await campaigns.get(ref.campaignId);
      if (!campaign) return { kind: 'gone' };
      const url = resolveLink(messageLinks(campaign.message), ref);
      if (!url) return { kind: 'gone' };
      const { goalUrl } = trackingSettings(campaign.settings);
      const location = goalUrl
        ? withGoalParam(
            url,
            goalToken(secret, { campaignId: ref.campaignId, run: ref.run, recipient: ref.recipient }),
          )
        : url;
      const record = () =>
        inOrder(`${ref.campaignId}:${ref.run}:${ref.recipient}`, () => repo.click(ref, clock())).catch(
          (err: unknown) => {
            log.error({ err, campaignId: ref.campaignId }, 'recording a click failed');
            return false;
          },
        );
      return { kind: 'redirect', location, record };
    },

    /** A conversion, from the goal redirect (`GET /g/<token>`) or the webhook (`POST /g`). */
    async goal(token: string, source: 'goal_url' | 'webhook'): Promise<GoalOutcome> {
      const ref = readGoalToken(secret, token);
      if (!ref) return { kind: 'invalid' };
      const campaign = await campaigns.get(ref.campaignId);
      if (!campaign) return { kind: 'invalid' };
      // In the same queue as the recipient's clicks: the goal page is often reached while the click
      // that led there is still being written, and two updates of one delivery at once can undo
      // each other on FerretDB.
      const first = await inOrder(`${ref.campaignId}:${ref.run}:${ref.recipient}`, () =>
        repo.convert(ref, clock(), source),
      );
      const { goalUrl } = trackingSettings(campaign.settings);
      return { kind: 'recorded', first, ...(goalUrl ? { location: goalUrl } : {}) };
    },

    /** Turns click tracking on or off for the campaign's next sends. */
    async setTrackClicks(id: number, on: boolean): Promise<void> {
      if (!(await repo.setCampaignSetting(id, 'trackClicks', on))) await whyNot(id);
    },

    /** Sets the goal page (an http(s) URL) or removes it with null. */
    async setGoalUrl(id: number, url: string | null): Promise<string | null> {
      const value = url === null ? undefined : normalizeGoalUrl(url);
      if (!(await repo.setCampaignSetting(id, 'goalUrl', value))) await whyNot(id);
      return value ?? null;
    },

    /** A goal token for a recipient (tests and integrations that report conversions themselves). */
    goalToken(ref: { campaignId: number; run: number; recipient: string }): string {
      return goalToken(secret, ref);
    },
  };
}

export type TrackingService = ReturnType<typeof createTrackingService>;
