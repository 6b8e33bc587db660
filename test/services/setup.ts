import { createModels, type Models } from '../../src/db/models.js';
import type { CampaignStatus, Platform } from '../../src/domain/campaign.js';
import { defaultAudience, defaultSettings } from '../../src/domain/campaign.js';
import { createServices, type Services } from '../../src/services/index.js';
import { createTestDb, type TestDb, testLogger } from '../support/services.js';

export const OWNER = 1001;
export const ADMIN = 1002;

export interface ServiceHarness {
  db: TestDb;
  models: Models;
  services: Services;
  /** what the services see as "now"; tests move it */
  clock: { now: Date };
}

/** Real services over a fresh FerretDB database; `drop()` it in afterAll. */
export async function createServiceHarness(now = new Date('2026-06-10T12:00:00Z')): Promise<ServiceHarness> {
  const db = await createTestDb();
  const models = await createModels(db.conn);
  const clock = { now };
  const services = createServices({
    models,
    logger: testLogger,
    config: { ADMIN_IDS: [OWNER], DEFAULT_TIMEZONE: 'UTC' },
    clock: () => clock.now,
  });
  return { db, models, services, clock };
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
    counters: { total: 0, sent: 0, failed: 0, unknown: 0 },
    createdAt: createdAt ?? new Date(Date.UTC(2026, 0, 1) + id * 60_000),
    updatedAt: createdAt ?? new Date(Date.UTC(2026, 0, 1) + id * 60_000),
    ...rest,
  };
}
