import type { Redis } from 'ioredis';
import { createAudienceStore } from '../db/audience.store.js';
import { type CounterStore, createCounterStore } from '../db/counter.store.js';
import type { Models } from '../db/models.js';
import { createReachIndex, reachTtlMs } from '../db/reach-index.js';
import type { Logger } from '../logger.js';
import { createAdminService } from './admin.service.js';
import { createAnalyticsService } from './analytics.service.js';
import { createAudienceService } from './audience.service.js';
import { createAudienceCountsService } from './audience-counts.service.js';
import { createCampaignService } from './campaign.service.js';
import { createCampaignBulkService } from './campaign-bulk.service.js';
import { createCampaignListService } from './campaign-list.service.js';
import { createChatService } from './chat.service.js';
import { createContactService } from './contact.service.js';
import type { ServiceConfig } from './deps.js';
import { createFiguresService } from './figures.service.js';
import { createResponseService } from './response.service.js';
import { createSettingService } from './setting.service.js';
import { createSubscriberService } from './subscriber.service.js';
import { createTemplateService } from './template.service.js';
import { createTrackingService, type TrackingConfig } from './tracking.service.js';
import { createTrainingService } from './training.service.js';
import { createWhatsAppService } from './whatsapp.service.js';

export type { Campaign, CampaignSort } from '../db/campaign.repository.js';
export type { Chat } from '../db/chat.repository.js';
export type { Contact } from '../db/contact.repository.js';
export type { Subscriber } from '../db/subscriber.repository.js';
export type { AdminView } from './admin.service.js';
export type { RunProgress } from './analytics.service.js';
export type { Recipient } from './audience.service.js';
export type { CampaignPatch, ScheduleInput } from './campaign.service.js';
export type { BulkReport, BulkStatusAction } from './campaign-bulk.service.js';
export type { CampaignListQuery, DateRange } from './campaign-list.service.js';
export type { ImportReport, ImportRow } from './contact.service.js';
export type { Page } from './deps.js';
export type { InboundReply, RecordedResponse, ReplyMedia } from './response.service.js';
export type { TrackingState } from './tracking.service.js';
export type { RoutedReply, TestResult, TrainingView } from './training.service.js';

export interface CreateServicesDeps {
  models: Models;
  logger: Logger;
  /** with BOT_TOKEN (and PUBLIC_URL, CLICK_SECRET) click tracking works; tests may leave them out */
  config: ServiceConfig & Partial<TrackingConfig>;
  clock?: () => Date;
  /** the run counters, training's per-contact auto-reply limits, the reply index (ReachIndex) */
  redis: Redis;
  /** the process's counter store (main.ts shares one with the roles); by default one in `redis` */
  counters?: CounterStore;
}

/** Every use case in one object: the bot, the dispatcher and main.ts take this single dependency. */
export function createServices({
  models,
  logger,
  config,
  clock,
  redis,
  counters: shared,
}: CreateServicesDeps) {
  const base = { models, logger, ...(clock ? { clock } : {}) };
  const database = models.Campaign.db.name;
  const counters = shared ?? createCounterStore(redis, { database, logger });
  const figures = createFiguresService({ ...base, counters });
  const admins = createAdminService({ ...base, config });
  const audienceStore = createAudienceStore(redis, { database });
  const audienceCounts = createAudienceCountsService({ ...base, store: audienceStore });
  const audience = createAudienceService({ ...base, counts: audienceCounts });
  const campaigns = createCampaignService({ ...base, audience, admins, counters });
  const training = createTrainingService({ ...base, redis });
  return {
    admins,
    audience,
    /** single-campaign use cases plus list() and exportCsv() */
    campaigns: { ...campaigns, ...createCampaignListService({ ...base, config }) },
    bulk: createCampaignBulkService({ campaigns, training }),
    /** intents, the trained model, auto-replies and replies routed to the admins */
    training,
    analytics: createAnalyticsService({ ...base, figures }),
    /** the figures' counters and their reconciliation with the deliveries */
    figures,
    counters,
    tracking: createTrackingService({
      ...base,
      counters,
      config: { ...config, BOT_TOKEN: config.BOT_TOKEN ?? '' },
    }),
    /** reachable subscribers, contacts per segment and the /contacts lists (Redis), their rebuild and reconcile */
    audienceCounts,
    /** the Redis side of audienceCounts, for the roles' own writes (opt-outs, invalid numbers, blocks) */
    audienceStore,
    contacts: createContactService({ ...base, counts: audienceCounts }),
    chats: createChatService(base),
    subscribers: createSubscriberService({ ...base, counts: audienceCounts }),
    templates: createTemplateService(base),
    settings: createSettingService(base),
    /** test numbers and the go-ahead after a WhatsApp test message (the connection: createWhatsAppLink) */
    whatsapp: createWhatsAppService({ ...base, audience: audienceStore }),
    responses: createResponseService({
      ...base,
      counters,
      ...(config.RESPONSE_WINDOW_HOURS ? { windowMs: config.RESPONSE_WINDOW_HOURS * 3_600_000 } : {}),
      reach: createReachIndex(redis, { database, ttlMs: reachTtlMs(config.RESPONSE_WINDOW_HOURS ?? 72) }),
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
