import type { ConversationFlavor } from '@grammyjs/conversations';
import type { I18nFlavor } from '@grammyjs/i18n';
import type { Context } from 'grammy';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { AdminRole } from '../domain/admin.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import type { TestSender } from '../services/send-test.js';

export interface BotDeps {
  config: Config;
  services: Services;
  logger: Logger;
  /** conversation state and short-lived UI state live here, so a restart loses no wizard */
  redis: Redis;
  /** sends a campaign's message to the admin's own chat; absent when no messenger is wired */
  testSender?: TestSender;
}

interface Extras {
  deps: BotDeps;
  /** a child logger bound to this update */
  log: Logger;
  /** the sender's admin role, or null for everyone else (subscribers, group members) */
  role: AdminRole | null;
}

export type BaseContext = Context & I18nFlavor & Extras;
export type BotContext = ConversationFlavor<BaseContext>;
