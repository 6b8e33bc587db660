/**
 * Loads the spec's examples into MONGODB_URI: the ten campaigns (ids 1–10), the six Telegram groups,
 * the seven subscribers, WhatsApp contacts in the five segments, and the built-in templates.
 * Every record is upserted by its id (contacts by phone), so running it again leaves the same data.
 * Schedule times are the seed's wall times read in UTC, the zone every seed campaign gets.
 *
 *   npx tsx scripts/seed-demo.ts
 */
import { pathToFileURL } from 'node:url';
import type { Model } from 'mongoose';
import { ConfigError, loadDbConfig } from '../src/config.js';
import type { Campaign } from '../src/db/campaign.repository.js';
import { createCampaignRepository } from '../src/db/campaign.repository.js';
import { createModels, type Models } from '../src/db/models.js';
import { connectMongo } from '../src/db/mongo.js';
import {
  type AudienceSpec,
  type CampaignStatus,
  type CampaignType,
  defaultAudience,
  defaultSettings,
  type Platform,
} from '../src/domain/campaign.js';
import { localToInstant } from '../src/domain/schedule.js';
import { createLogger, type Logger } from '../src/logger.js';
import { createTemplateService } from '../src/services/template.service.js';

export const SEED_ZONE = 'UTC';

interface SeedCampaign {
  id: number;
  name: string;
  platform: Platform;
  status: CampaignStatus;
  type: CampaignType;
  /** local date and time in SEED_ZONE */
  at: [string, string];
  text: string;
  audience: AudienceSpec;
}

export const SEED_GROUPS = [
  { id: -1001000000001, title: 'Tech Lovers', memberCount: 2450 },
  { id: -1001000000002, title: 'Marketing Gurus', memberCount: 1823 },
  { id: -1001000000003, title: 'Startup Founders', memberCount: 945 },
  { id: -1001000000004, title: 'Fitness Enthusiasts', memberCount: 3102 },
  { id: -1001000000005, title: 'Book Club', memberCount: 567 },
  { id: -1001000000006, title: 'Crypto Traders', memberCount: 4891 },
] as const;

const [techLovers, marketingGurus, startupFounders, fitness, bookClub, crypto] = SEED_GROUPS.map(
  (g) => g.id,
) as [number, number, number, number, number, number];

export const SEED_SUBSCRIBERS = [
  {
    id: 700000001,
    firstName: 'John',
    lastName: 'Doe',
    username: 'john_doe',
    groups: [techLovers, startupFounders],
  },
  {
    id: 700000002,
    firstName: 'Jane',
    lastName: 'Smith',
    username: 'jane_smith',
    groups: [techLovers, marketingGurus],
  },
  {
    id: 700000003,
    firstName: 'Mike',
    lastName: 'Johnson',
    username: 'mike_johnson',
    groups: [techLovers, fitness],
  },
  {
    id: 700000004,
    firstName: 'Emily',
    lastName: 'Davis',
    username: 'emily_davis',
    groups: [techLovers, bookClub],
  },
  {
    id: 700000005,
    firstName: 'Robert',
    lastName: 'Wilson',
    username: 'robert_wilson',
    groups: [techLovers, crypto],
  },
  {
    id: 700000006,
    firstName: 'Laura',
    lastName: 'Brown',
    username: 'laura_brown',
    groups: [techLovers, fitness],
  },
  {
    id: 700000007,
    firstName: 'Daniel',
    lastName: 'Miller',
    username: 'daniel_miller',
    groups: [techLovers, crypto],
  },
] as const;

/** Fictional numbers: +1 202 555-01xx is reserved for fiction. */
export const SEED_CONTACTS = [
  { phone: '+12025550101', name: 'Olivia Carter', segments: ['VIP Customers', 'Repeat Buyers'] },
  { phone: '+12025550102', name: 'Liam Turner', segments: ['VIP Customers'] },
  { phone: '+12025550103', name: 'Sophia Reed', segments: ['VIP Customers'] },
  { phone: '+12025550104', name: 'Noah Brooks', segments: ['New Leads'] },
  { phone: '+12025550105', name: 'Ava Morgan', segments: ['New Leads', 'Webinar Participants'] },
  { phone: '+12025550106', name: 'Ethan Hayes', segments: ['New Leads'] },
  { phone: '+12025550107', name: 'Mia Foster', segments: ['Repeat Buyers'] },
  { phone: '+12025550108', name: 'Lucas Bennett', segments: ['Repeat Buyers'] },
  { phone: '+12025550109', name: 'Isabella Price', segments: ['Inactive Customers'] },
  { phone: '+12025550110', name: 'Mason Ward', segments: ['Inactive Customers'] },
  { phone: '+12025550111', name: 'Amelia Cole', segments: ['Inactive Customers'] },
  { phone: '+12025550112', name: 'James Perry', segments: ['Webinar Participants'] },
  { phone: '+12025550113', name: 'Harper Long', segments: ['Webinar Participants'] },
] as const;

const wa = (patch: Partial<AudienceSpec & { kind: 'whatsapp' }>): AudienceSpec => ({
  ...defaultAudience('whatsapp'),
  ...patch,
});
const tg = (patch: Partial<AudienceSpec & { kind: 'telegram' }>): AudienceSpec => ({
  ...defaultAudience('telegram'),
  ...patch,
});

export const SEED_CAMPAIGNS: readonly SeedCampaign[] = [
  {
    id: 1,
    name: 'Summer Super Sale',
    platform: 'whatsapp',
    status: 'published',
    type: 'promotional',
    at: ['2029-06-13', '11:24'],
    text: 'Summer Super Sale! ☀️ Up to 40% off everything this week. Use code: SUMMER40',
    audience: wa({ all: true }),
  },
  {
    id: 2,
    name: 'VIP Member Free Trial Week',
    platform: 'whatsapp',
    status: 'published',
    type: 'promotional',
    at: ['2025-06-03', '11:57'],
    text: 'Hi [Name], enjoy a free VIP trial week on us. Reply YES to activate it.',
    audience: wa({ all: false, segments: ['VIP Customers'] }),
  },
  {
    id: 3,
    name: 'Flash Offer – 50% Off Today',
    platform: 'whatsapp',
    status: 'published',
    type: 'promotional',
    at: ['2025-06-05', '17:57'],
    text: 'Flash Sale! 🔥\n\nGet up to 50% off on all items. Hurry, limited time offer!\nShop now and save big.\n\nUse code: FLASH50\n\n#FlashSale #LimitedTimeOffer',
    audience: wa({ all: true }),
  },
  {
    id: 4,
    name: 'New Product Launch – Special Invite',
    platform: 'whatsapp',
    status: 'published',
    type: 'promotional',
    at: ['2027-06-05', '17:57'],
    text: 'Introducing our new smart bottle! Be among the first to try it. Exclusive launch offer: 20% off',
    audience: wa({ all: false, segments: ['VIP Customers', 'Repeat Buyers'] }),
  },
  {
    id: 5,
    name: 'Webinar Registration Now Open',
    platform: 'whatsapp',
    status: 'published',
    type: 'event_announcement',
    at: ['2027-06-05', '17:57'],
    text: "You're invited! Join our growth webinar on June 12. Register now: https://example.com/webinar",
    audience: wa({ all: false, segments: ['Webinar Participants', 'New Leads'] }),
  },
  {
    id: 6,
    name: 'Exclusive Telegram Deal',
    platform: 'telegram',
    status: 'scheduled',
    type: 'promotional',
    at: ['2029-06-13', '11:24'],
    text: '*Exclusive Telegram Deal*: 30% off for our Telegram community only. Code: TG30',
    audience: tg({ groupIds: [marketingGurus, fitness] }),
  },
  {
    id: 7,
    name: 'Weekend Special Offer',
    platform: 'telegram',
    status: 'published',
    type: 'promotional',
    at: ['2025-06-03', '11:57'],
    text: 'Weekend Special! Buy one, get one free until Sunday midnight.',
    audience: tg({ groupIds: SEED_GROUPS.map((g) => g.id) }),
  },
  {
    id: 8,
    name: 'Join Our Premium Membership',
    platform: 'telegram',
    status: 'published',
    type: 'engagement',
    at: ['2025-06-05', '17:57'],
    text: 'Hi [First name], premium members get early access and free shipping. Join today!',
    audience: tg({ allSubscribers: true }),
  },
  {
    id: 9,
    name: 'Holiday Season Price Drop',
    platform: 'telegram',
    status: 'scheduled',
    type: 'promotional',
    at: ['2027-06-05', '17:57'],
    text: 'Holiday Season Price Drop 🎄 Prices cut on 200+ products.',
    audience: tg({ groupIds: SEED_GROUPS.map((g) => g.id) }),
  },
  {
    id: 10,
    name: 'Early Bird Special Discount',
    platform: 'telegram',
    status: 'scheduled',
    type: 'promotional',
    at: ['2027-06-05', '17:57'],
    text: 'Early birds save 25%: order before 9 AM tomorrow.',
    audience: tg({ allSubscribers: true, groupIds: [techLovers, startupFounders] }),
  },
];

/** Creation times one hour apart, so "Most Recent" lists 10 … 1 every time. */
const createdAt = (id: number) => new Date(Date.UTC(2025, 4, 1, 8 + id));

function campaignDoc(c: SeedCampaign): Record<string, unknown> {
  const [localDate, localTime] = c.at;
  const at = localToInstant({ date: localDate, time: localTime, zone: SEED_ZONE });
  const published = c.status === 'published';
  const doc: Omit<Campaign, 'id'> & { _id: number; nameLower: string } = {
    _id: c.id,
    name: c.name,
    nameLower: c.name.toLowerCase(),
    platform: c.platform,
    type: c.type,
    status: c.status,
    featured: false,
    training: 'not_trained',
    audience: c.audience,
    message: { text: c.text },
    schedule: { at, zone: SEED_ZONE, localDate, localTime, frequency: 'none' },
    settings: defaultSettings(c.platform),
    run: published ? 1 : 0,
    runs: published
      ? [
          {
            run: 1,
            startedAt: at,
            finishedAt: at,
            outcome: 'published',
            total: 0,
            sent: 0,
            failed: 0,
            unknown: 0,
          },
        ]
      : [],
    createdAt: createdAt(c.id),
    updatedAt: createdAt(c.id),
  };
  return doc;
}

export interface SeedSummary {
  campaigns: number;
  groups: number;
  subscribers: number;
  contacts: number;
  templatesAdded: number;
}

/** The driver's collection, untyped: seed documents carry their own ids and timestamps. */
const raw = (model: Pick<Model<unknown>, 'db' | 'collection'>) =>
  model.db.collection<{ _id: number | string; [field: string]: unknown }>(model.collection.name);

export async function seedDemo(models: Models, logger: Logger): Promise<SeedSummary> {
  const stamp = new Date(Date.UTC(2025, 4, 1));
  await raw(models.Campaign).bulkWrite(
    SEED_CAMPAIGNS.map((c) => ({
      replaceOne: { filter: { _id: c.id }, replacement: campaignDoc(c), upsert: true },
    })),
  );
  const campaigns = createCampaignRepository(models);
  await campaigns.ensureCounterAtLeast(SEED_CAMPAIGNS.length);
  // Written through the driver: the /campaigns list index learns of them here.
  await campaigns.syncListKeys(SEED_CAMPAIGNS.map((c) => c.id));
  await raw(models.Chat).bulkWrite(
    SEED_GROUPS.map((g) => ({
      replaceOne: {
        filter: { _id: g.id },
        replacement: {
          type: 'supergroup',
          title: g.title,
          memberCount: g.memberCount,
          botStatus: 'administrator',
          canPost: true,
          canPin: true,
          active: true,
          optedOut: false,
          createdAt: stamp,
          updatedAt: stamp,
        },
        upsert: true,
      },
    })),
  );
  await raw(models.Subscriber).bulkWrite(
    SEED_SUBSCRIBERS.map((s) => ({
      replaceOne: {
        filter: { _id: s.id },
        replacement: {
          firstName: s.firstName,
          lastName: s.lastName,
          username: s.username,
          subscribed: true,
          subscribedAt: stamp,
          blocked: false,
          groups: [...s.groups],
          segments: [],
          createdAt: stamp,
          updatedAt: stamp,
        },
        upsert: true,
      },
    })),
  );
  await raw(models.Contact).bulkWrite(
    SEED_CONTACTS.map((c) => ({
      replaceOne: {
        filter: { phone: c.phone },
        replacement: {
          phone: c.phone,
          name: c.name,
          segments: [...c.segments],
          optedOut: false,
          valid: true,
          source: 'demo',
          createdAt: stamp,
          updatedAt: stamp,
        },
        upsert: true,
      },
    })),
  );
  const templatesAdded = await createTemplateService({ models, logger }).ensureBuiltIn();
  return {
    campaigns: SEED_CAMPAIGNS.length,
    groups: SEED_GROUPS.length,
    subscribers: SEED_SUBSCRIBERS.length,
    contacts: SEED_CONTACTS.length,
    templatesAdded,
  };
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadDbConfig>;
  try {
    config = loadDbConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`configuration error: ${err.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.LOG_LEVEL);
  const conn = await connectMongo(config.MONGODB_URI, logger, { attempts: 3, delayMs: 500 });
  try {
    const summary = await seedDemo(await createModels(conn), logger);
    logger.info(summary, 'demo data loaded');
  } finally {
    await conn.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
