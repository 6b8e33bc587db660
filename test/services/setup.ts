import type { Redis } from 'ioredis';
import { createModels, type Models } from '../../src/db/models.js';
import type { CampaignStatus, Platform } from '../../src/domain/campaign.js';
import { defaultAudience, defaultSettings } from '../../src/domain/campaign.js';
import { createServices, type Services } from '../../src/services/index.js';
import { createTestDb, createTestRedis, type TestDb, testLogger } from '../support/services.js';

export const OWNER = 1001;
export const ADMIN = 1002;

export interface ServiceHarness {
  db: TestDb;
  models: Models;
  services: Services;
  /** the test Redis the services' counters live in */
  redis: Redis;
  /** what the services see as "now"; tests move it */
  clock: { now: Date };
}

/** Real services over a fresh FerretDB database; `drop()` it in afterAll. */
export async function createServiceHarness(now = new Date('2026-06-10T12:00:00Z')): Promise<ServiceHarness> {
  const testDb = await createTestDb();
  const models = await createModels(testDb.conn);
  const clock = { now };
  const redis = createTestRedis();
  const services = createServices({
    models,
    logger: testLogger,
    config: { ADMIN_IDS: [OWNER], DEFAULT_TIMEZONE: 'UTC' },
    clock: () => clock.now,
    redis,
  });
  const db: TestDb = {
    ...testDb,
    async drop() {
      await services.counters.close();
      redis.disconnect();
      await testDb.drop();
    },
  };
  return { db, models, services, redis, clock };
}

/** A complete campaign document, for inserting many at once with insertMany. */
export function campaignDoc(
  id: number,
  fields: {
    name?: string;
    platform?: Platform;
    status?: CampaignStatus;
    at?: Date;
    createdAt?: Date;
  } & Record<string, unknown> = {},
): Record<string, unknown> {
  const { name = `Campaign ${id}`, platform = 'whatsapp', status = 'draft', at, createdAt, ...rest } = fields;
  return {
    _id: id,
    name,
    nameLower: name.toLowerCase(),
    platform,
    type: 'promotional',
    status,
    featured: false,
    training: 'not_trained',
    audience: defaultAudience(platform),
    message: { text: `Hello from ${name}` },
    schedule: { zone: 'UTC', frequency: 'none', ...(at ? { at } : {}) },
    settings: defaultSettings(platform),
    run: 0,
    runs: [],
    createdAt: createdAt ?? new Date(Date.UTC(2026, 0, 1) + id * 60_000),
    updatedAt: createdAt ?? new Date(Date.UTC(2026, 0, 1) + id * 60_000),
    ...rest,
  };
}
