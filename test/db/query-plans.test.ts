import { randomBytes } from 'node:crypto';
import { type Connection, Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyticsRepository } from '../../src/db/analytics.repository.js';
import { createAudienceStore } from '../../src/db/audience.store.js';
import { createCampaignRepository } from '../../src/db/campaign.repository.js';
import { createContactRepository } from '../../src/db/contact.repository.js';
import { createCounterStore } from '../../src/db/counter.store.js';
import {
  createDispatchRepository,
  type DeliveryResult,
  deliveryId,
  WHATSAPP_MESSAGE_IDS,
} from '../../src/db/dispatch.repository.js';
import { createModels, type Models } from '../../src/db/models.js';
import { connectMongo } from '../../src/db/mongo.js';
import { createReceiptRepository, WA_ACK } from '../../src/db/receipt.repository.js';
import { createSubscriberRepository } from '../../src/db/subscriber.repository.js';
import { createTrackingRepository } from '../../src/db/tracking.repository.js';
import { createWhatsAppRepository } from '../../src/db/whatsapp.repository.js';
import { type CampaignStatus, defaultAudience, type Platform } from '../../src/domain/campaign.js';
import { createAudienceService } from '../../src/services/audience.service.js';
import { createAudienceCountsService } from '../../src/services/audience-counts.service.js';
import { createCampaignListService } from '../../src/services/campaign-list.service.js';
import { createContactService } from '../../src/services/contact.service.js';
import { campaignDoc } from '../services/setup.js';
import {
  analyzeSchema,
  checkCluster,
  createExplainRole,
  dropRoles,
  indexLabels,
  type LoggedPlan,
  pgDir,
  type ScanNode,
  ServerLog,
  scanNodes,
  statementKind,
  type TableInfo,
  tablesOf,
} from '../support/query-plans.js';
import { createTestRedis, testLogger, testMongoUri } from '../support/services.js';

/*
 * Every hot-path lookup must be served by an index on this backend: FerretDB 1.24 on PostgreSQL,
 * where an equality filter becomes `_jsonb -> 'field' @> value` and only the GIN companions that
 * scripts/lib/gin-companion.sql adds can serve it. Each lookup runs through the app's own
 * repositories and services on a connection whose PostgreSQL role logs the plan of every
 * statement (auto_explain); a sequential scan of a large table fails the test with the plan.
 */

const RUN = randomBytes(4).toString('hex');
const DB = `plans_${RUN}`;
/** a table at least this big must never be read by a sequential scan */
const LARGE = 1000;
/** a point lookup may read at most this many rows of a large table */
const POINT_ROWS = 10;
/**
 * Each lookup runs this often: FerretDB's connections prepare their statements, and PostgreSQL
 * may switch a prepared statement to a generic plan (which cannot use FerretDB's expression
 * indexes) from the sixth execution on.
 */
const REPEAT = 7;

const CAMPAIGNS = 3000;
const SUBSCRIBERS = 20_000;
const CONTACTS = 20_000;
/** the newest campaigns were sent, each to this many recipients */
const SENT_CAMPAIGNS = 12;
const RECIPIENTS = 2000;
/** an older campaign whose deliveries were imported (ids not derived from their key) */
const LEGACY_CAMPAIGN = CAMPAIGNS - SENT_CAMPAIGNS;
const LEGACY_RECIPIENTS = 200;
/** a WhatsApp and a Telegram campaign among the sent ones */
const WA_CAMPAIGN = CAMPAIGNS - 1;
const TG_CAMPAIGN = CAMPAIGNS;
/** a Telegram campaign whose failed deliveries were set back to pending for a retry */
const RETRY_CAMPAIGN = CAMPAIGNS - 2;

const subscriberId = (i: number) => 1_000_000_000 + i * 250_007;
const phoneOf = (i: number) => `+49151${String(i).padStart(8, '0')}`;
const platformOf = (id: number): Platform => (id % 2 === 0 ? 'telegram' : 'whatsapp');
const tgMessageId = (campaignId: number, seq: number) => String(campaignId * 10_000 + seq);
const waMessageId = (phone: string, campaignId: number, seq: number) =>
  `true_${phone.slice(1)}@c.us_3EB0${(campaignId * 100_000 + seq).toString(16).toUpperCase().padStart(16, '0')}`;
/** WhatsApp deliveries sent before message-id links were kept */
const unlinked = (seq: number) => seq % 10 === 1;

function deliveryStatus(campaignId: number, seq: number) {
  if (seq % 20 === 0) return campaignId === RETRY_CAMPAIGN ? 'pending' : 'failed';
  if (seq % 7 === 0) return 'read';
  if (seq % 3 === 0) return 'delivered';
  return 'sent';
}

function deliveryDoc(campaignId: number, seq: number, legacy = false): Record<string, unknown> {
  const platform = platformOf(campaignId);
  const n = (seq * 7 + campaignId) % (platform === 'telegram' ? SUBSCRIBERS : CONTACTS);
  const phone = phoneOf(n);
  const recipient = platform === 'telegram' ? `tg:${subscriberId(n)}` : `wa:${phone}`;
  const status = deliveryStatus(campaignId, seq);
  const sentAt = new Date(Date.UTC(2026, 4, 1) + campaignId * 3_600_000 + seq * 2000);
  const reached = status !== 'failed' && status !== 'pending';
  return {
    _id: legacy ? new Types.ObjectId() : deliveryId(campaignId, 1, recipient),
    campaignId,
    run: 1,
    recipient,
    seq,
    page: Math.floor(seq / 500),
    platform,
    ...(platform === 'telegram'
      ? { chatId: subscriberId(n), chatKind: 'private', name: `User ${n}` }
      : { phone, name: `Contact ${n}`, batch: Math.floor(seq / 256) + 1 }),
    status,
    ...(status === 'failed' ? { reason: 'blocked', error: 'Forbidden: bot was blocked by the user' } : {}),
    attempts: status === 'pending' ? 0 : 1,
    ...(reached
      ? {
          messageId:
            platform === 'telegram' ? tgMessageId(campaignId, seq) : waMessageId(phone, campaignId, seq),
          sentAt,
        }
      : {}),
    ...(status === 'delivered' || status === 'read'
      ? { deliveredAt: new Date(sentAt.getTime() + 5000) }
      : {}),
    ...(status === 'read' ? { readAt: new Date(sentAt.getTime() + 60_000) } : {}),
    ...(status === 'failed' ? { failedAt: sentAt } : {}),
    ...(seq % 11 === 0 && reached
      ? { clickedAt: new Date(sentAt.getTime() + 90_000), clicks: 1 }
      : { clicks: 0 }),
    owner: 'dispatcher-1',
    sendingAt: sentAt,
    pass: 0,
    createdAt: sentAt,
    updatedAt: sentAt,
  };
}

function* subscriberDocs() {
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const at = new Date(Date.UTC(2025, 0, 1) + i * 600_000);
    yield {
      _id: subscriberId(i),
      firstName: `User ${i}`,
      ...(i % 3 === 0 ? { lastName: `Family ${i % 500}` } : {}),
      ...(i % 2 === 0 ? { username: `user_${i}` } : {}),
      languageCode: i % 4 === 0 ? 'ru' : 'en',
      subscribed: i % 9 !== 0,
      subscribedAt: at,
      ...(i % 9 === 0 ? { unsubscribedAt: new Date(at.getTime() + 86_400_000) } : {}),
      blocked: i % 50 === 0,
      groups: [-1_001_000_000_000 - (i % 40), ...(i % 5 === 0 ? [-1_001_000_000_100] : [])],
      segments: i % 6 === 0 ? ['vip'] : [],
      createdAt: at,
      updatedAt: at,
    };
  }
}

const SEGMENTS = [
  'VIP Customers',
  'New Leads',
  'Repeat Buyers',
  'Inactive Customers',
  'Webinar Participants',
];

function* contactDocs() {
  for (let i = 0; i < CONTACTS; i++) {
    const at = new Date(Date.UTC(2025, 0, 1) + i * 600_000);
    yield {
      _id: new Types.ObjectId(),
      phone: phoneOf(i),
      name: `Contact ${i}`,
      segments: [
        SEGMENTS[i % SEGMENTS.length],
        ...(i % 7 === 0 ? [SEGMENTS[(i + 1) % SEGMENTS.length]] : []),
      ],
      optedOut: i % 40 === 0,
      ...(i % 40 === 0 ? { optedOutAt: at } : {}),
      valid: i % 97 !== 0,
      source: 'import',
      createdAt: at,
      updatedAt: at,
    };
  }
}

const CAMPAIGN_STATUSES: CampaignStatus[] = [
  'published',
  'published',
  'published',
  'archived',
  'draft',
  'cancelled',
  'failed',
];

function* campaignDocs() {
  for (let id = 1; id <= CAMPAIGNS; id++) {
    const sent = id >= LEGACY_CAMPAIGN;
    const status: CampaignStatus = sent
      ? 'published'
      : id > CAMPAIGNS - 40
        ? 'scheduled'
        : (CAMPAIGN_STATUSES[id % CAMPAIGN_STATUSES.length] ?? 'draft');
    const createdAt = new Date(Date.UTC(2025, 0, 1) + id * 3_600_000);
    yield campaignDoc(id, {
      name: `${['Spring sale', 'Webinar', 'Newsletter', 'Flash deal'][id % 4]} ${id}`,
      platform: platformOf(id),
      status,
      featured: id % 250 === 0,
      createdAt,
      ...(status === 'scheduled' || sent ? { at: new Date(createdAt.getTime() + 86_400_000) } : {}),
      ...(sent ? { run: 1, counters: { total: RECIPIENTS, sent: RECIPIENTS, failed: 0, unknown: 0 } } : {}),
    });
  }
}

function* deliveryDocs() {
  for (let seq = 0; seq < LEGACY_RECIPIENTS; seq++) yield deliveryDoc(LEGACY_CAMPAIGN, seq, true);
  for (let c = CAMPAIGNS - SENT_CAMPAIGNS + 1; c <= CAMPAIGNS; c++) {
    for (let seq = 0; seq < RECIPIENTS; seq++) yield deliveryDoc(c, seq);
  }
}

function* messageIdLinks() {
  for (const d of deliveryDocs()) {
    if (d.platform !== 'whatsapp' || !d.messageId || unlinked(d.seq as number)) continue;
    yield { _id: d.messageId, delivery: d._id, campaignId: d.campaignId };
  }
}

async function insertAll(conn: Connection, collection: string, docs: Iterable<Record<string, unknown>>) {
  const target = conn.db!.collection(collection);
  const pending: Promise<unknown>[] = [];
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    const docs = batch;
    batch = [];
    pending.push(target.insertMany(docs as never[], { ordered: false }));
    if (pending.length >= 2) await pending.shift();
  };
  for (const doc of docs) {
    batch.push(doc);
    if (batch.length === 1000) await flush();
  }
  if (batch.length > 0) await flush();
  await Promise.all(pending);
}

interface Lookup {
  name: string;
  /** the statements that read one of the collections' tables, one per execution */
  statements: { plan: LoggedPlan; scans: ScanNode[] }[];
}

describe('query plans on FerretDB/PostgreSQL: hot-path lookups use indexes', () => {
  const log = new ServerLog();
  const roles: string[] = [];
  // The counters the repositories move (Redis; nothing of PostgreSQL's to explain there).
  const redis = createTestRedis();
  const counters = createCounterStore(redis, { database: DB, logger: testLogger });
  const audience = createAudienceStore(redis, { database: DB });
  let admin: Connection | undefined;
  let tables = new Map<string, TableInfo>();
  let indexes = new Map<string, string>();
  const large = new Set<string>();

  beforeAll(async () => {
    pgDir();
    await checkCluster();
    const started = Date.now();
    admin = await connectMongo(testMongoUri(DB), testLogger, { attempts: 3, delayMs: 500 });
    // The app's collections and indexes (and so their GIN companions), then data at scale.
    await createDispatchRepository(await createModels(admin), { counters }).init();
    // Collections the lookups write to are created here, by the superuser, not by a lookup's role.
    for (const name of [WHATSAPP_MESSAGE_IDS, 'link_clicks', 'goal_hits', 'reaction_counts']) {
      await admin.db!.createCollection(name).catch(() => {});
    }
    await Promise.all([
      insertAll(admin, 'campaigns', campaignDocs()),
      insertAll(admin, 'subscribers', subscriberDocs()),
      insertAll(admin, 'contacts', contactDocs()),
    ]);
    await Promise.all([
      insertAll(admin, 'deliveries', deliveryDocs()),
      insertAll(admin, WHATSAPP_MESSAGE_IDS, messageIdLinks()),
    ]);
    await analyzeSchema(DB);
    tables = new Map((await tablesOf(DB)).map((t) => [t.table, t]));
    indexes = await indexLabels(DB);
    for (const t of tables.values()) if (t.rows >= LARGE) large.add(t.collection);
    const sizes = [...tables.values()].filter((t) => t.rows > 0).map((t) => `${t.collection} ${t.rows}`);
    console.log(
      `[query plans] ${DB}: ${sizes.join(', ')} rows, filled and analyzed in ${Date.now() - started} ms`,
    );
    // The data must really be large, or a passing test proves nothing.
    for (const name of ['campaigns', 'subscribers', 'contacts', 'deliveries', WHATSAPP_MESSAGE_IDS]) {
      expect([...large], `${name} should count as a large table after ANALYZE`).toContain(name);
    }
  }, 900_000);

  afterAll(async () => {
    if (admin) {
      await admin.dropDatabase().catch(() => {});
      await admin.close();
    }
    await dropRoles(roles);
    await counters.close();
    redis.disconnect();
  }, 120_000);

  /**
   * Runs `body` REPEAT times as a fresh role on its own connection and returns the plans of the
   * statements it sent to the collections' tables.
   */
  async function explain(name: string, body: (models: Models, i: number) => Promise<void>): Promise<Lookup> {
    const role = `mb_explain_${RUN}_${roles.length}`;
    await createExplainRole(role);
    roles.push(role);
    const url = new URL(testMongoUri(DB));
    url.username = role;
    url.password = 'x';
    url.searchParams.set('authMechanism', 'PLAIN');
    const conn = await connectMongo(url.toString(), testLogger, { attempts: 3, delayMs: 500 });
    try {
      const models = await createModels(conn);
      const from = await log.size();
      for (let i = 0; i < REPEAT; i++) await body(models, i);
      const plans = await log.plansSince(from, role);
      // FerretDB's own catalog reads (its metadata table) are left out.
      const statements = plans
        .map((plan) => ({ plan, scans: scanNodes(plan.plan) }))
        .filter((s) => s.scans.some((scan) => tables.has(scan.relation)));
      if (statements.length === 0) throw new Error(`${name}: no statement on the collections was logged`);
      report(name, statements);
      return { name, statements };
    } finally {
      await conn.close();
    }
  }

  function report(name: string, statements: Lookup['statements']) {
    const lines = new Map<string, { count: number; rows: number }>();
    for (const s of statements) {
      for (const scan of s.scans) {
        const collection = tables.get(scan.relation)?.collection ?? scan.relation;
        const size = large.has(collection) ? '' : ' (small)';
        const used = [...new Set(scan.indexes)].map((name) => indexes.get(name) ?? name);
        const via = used.length > 0 ? ` via ${used.join(' + ')}` : '';
        const key = `${collection}${size}: ${statementKind(s.plan.plan)} → ${scan.node}${via}`;
        const line = lines.get(key) ?? { count: 0, rows: 0 };
        line.count++;
        line.rows = Math.max(line.rows, scan.rowsRead);
        lines.set(key, line);
      }
    }
    const text = [...lines].map(([key, l]) => `  ${key}; rows read ≤ ${l.rows} (${l.count}×)`);
    console.log(`[query plans] ${name}\n${text.join('\n')}`);
  }

  /** Fails on a sequential scan of a large table; with `pointRows`, also on reading too many rows. */
  function expectIndexed(lookup: Lookup, pointRows?: number) {
    const bad = lookup.statements.filter((s) =>
      s.scans.some((scan) => {
        const collection = tables.get(scan.relation)?.collection ?? '';
        if (!large.has(collection)) return false;
        return scan.node === 'Seq Scan' || (pointRows !== undefined && scan.rowsRead > pointRows);
      }),
    );
    const seen = new Set<string>();
    const shown = bad
      .filter((s) => !seen.has(s.plan.queryText) && seen.add(s.plan.queryText))
      .slice(0, 3)
      .map((s) => `${s.plan.queryText}\n${JSON.stringify(s.plan.plan, null, 2)}`);
    expect(
      bad.length,
      `${lookup.name}: ${bad.length} statement(s) scan a large table sequentially` +
        (pointRows === undefined ? '' : ` or read more than ${pointRows} rows`) +
        `:\n${shown.join('\n\n')}`,
    ).toBe(0);
  }

  it('subscriber by Telegram id: get, profile update, first /start', async () => {
    const lookup = await explain('subscriber by Telegram id', async (models, i) => {
      const repo = createSubscriberRepository(models);
      const id = subscriberId(12_000 + i);
      expect(await repo.get(id)).not.toBeNull();
      await repo.upsertProfile({ id, first_name: 'Ann', language_code: 'en' });
      // a user never seen before: inserted by the first call, updated by the others
      await repo.upsertProfile({ id: 9_999_999_999, first_name: 'New' }, { subscribed: true });
      // the groups screen's "add to segment" button
      await repo.addSegment([id], 'vip');
    });
    expectIndexed(lookup, POINT_ROWS);
  }, 120_000);

  it('contact by phone: opt-out from the bot and STOP on WhatsApp', async () => {
    const lookup = await explain('contact by phone', async (models, i) => {
      const at = new Date();
      expect(await createContactRepository(models).optOut(phoneOf(500 + i), at)).not.toBeNull();
      const whatsapp = createWhatsAppRepository(models, audience);
      await whatsapp.optOut(phoneOf(600 + i), at);
      // a number we had no contact for is stored opted out
      await whatsapp.optOut('+4915299999999', at);
      // WhatsApp says a number is not on it
      await whatsapp.markInvalid([phoneOf(700 + i)]);
    });
    expectIndexed(lookup, POINT_ROWS);
  }, 120_000);

  it('delivery by its derived _id: a click, a retry outcome', async () => {
    const lookup = await explain('delivery by derived _id', async (models, i) => {
      const sent = deliveryDoc(TG_CAMPAIGN, 101 + i);
      expect(
        await createTrackingRepository(models, counters).click(
          { campaignId: TG_CAMPAIGN, run: 1, recipient: sent.recipient as string, link: 0 },
          new Date(),
        ),
      ).toBeTypeOf('boolean');
      const pending = deliveryDoc(RETRY_CAMPAIGN, 20 * (i + 1));
      expect(pending.status).toBe('pending');
      const at = new Date();
      const result: DeliveryResult = {
        item: {
          recipient: pending.recipient as string,
          seq: pending.seq as number,
          pass: 1,
          chatId: pending.chatId as number,
          kind: 'private',
        },
        status: 'sent',
        attempts: 1,
        messageId: 777_000 + i,
        chatId: pending.chatId as number,
        owner: 'dispatcher-2',
        sendingAt: at,
        at,
      };
      const written = await createDispatchRepository(models, { counters }).recordResults(RETRY_CAMPAIGN, 1, [
        result,
      ]);
      expect(written).toHaveLength(1);
    });
    expectIndexed(lookup, POINT_ROWS);
  }, 120_000);

  it('delivery by (campaign, run, recipient): a click on an imported delivery', async () => {
    const lookup = await explain('delivery by key', async (models, i) => {
      const legacy = deliveryDoc(LEGACY_CAMPAIGN, 3 + i, true);
      await createTrackingRepository(models, counters).click(
        { campaignId: LEGACY_CAMPAIGN, run: 1, recipient: legacy.recipient as string, link: 1 },
        new Date(),
      );
    });
    expectIndexed(lookup, POINT_ROWS);
  }, 120_000);

  it('delivery by WhatsApp message id: receipts through the link and by messageId', async () => {
    const lookup = await explain('delivery by WhatsApp message id', async (models, i) => {
      const whatsapp = createReceiptRepository(models, counters);
      // seq 2, 4, 5 … are `sent`: a DEVICE receipt moves them to delivered
      const linked = deliveryDoc(WA_CAMPAIGN, [2, 4, 5, 8, 10, 13, 16][i] ?? 2);
      expect(await whatsapp.applyAck(linked.messageId as string, WA_ACK.DEVICE, new Date())).not.toBe(
        'not_found',
      );
      const old = deliveryDoc(WA_CAMPAIGN, 10 * (i + 1) + 1);
      expect(unlinked(old.seq as number)).toBe(true);
      expect(await whatsapp.applyAck(old.messageId as string, WA_ACK.READ, new Date())).not.toBe('not_found');
    });
    expectIndexed(lookup, POINT_ROWS);
  }, 120_000);

  it('delivery by Telegram message id: a reaction count update', async () => {
    const lookup = await explain('delivery by Telegram message id', async (models, i) => {
      const d = deliveryDoc(TG_CAMPAIGN, 301 + i);
      const campaign = await createAnalyticsRepository(models).recordReactions(
        d.chatId as number,
        Number(d.messageId),
        3,
        new Date(),
      );
      expect(campaign).toBe(TG_CAMPAIGN);
    });
    expectIndexed(lookup, POINT_ROWS);
  }, 120_000);

  it('campaign by id: the card, and the dispatcher’s pause/cancel check', async () => {
    const lookup = await explain('campaign by id', async (models, i) => {
      expect((await createCampaignRepository(models).get(1500 + i))?.id).toBe(1500 + i);
      expect(await createDispatchRepository(models, { counters }).readControl(TG_CAMPAIGN)).not.toBeNull();
    });
    expectIndexed(lookup, POINT_ROWS);
  }, 120_000);

  it('the scheduler tick: due campaigns by platform and status', async () => {
    const lookup = await explain('scheduler tick (claimDue)', async (models) => {
      // Nothing is due at the epoch: both queries run and claim nothing.
      const repo = createDispatchRepository(models, { counters });
      expect(await repo.claimDue('plans-test', new Date(0), 30_000, 'telegram')).toBeNull();
      expect(await repo.claimDue('plans-test', new Date(0), 30_000, 'whatsapp')).toBeNull();
    });
    expectIndexed(lookup);
  }, 120_000);

  it('a retry pass: the pending deliveries of one audience page', async () => {
    const lookup = await explain('retry pass page', async (models, i) => {
      const repo = createDispatchRepository(models, { counters });
      const items = await repo.pendingDeliveries(RETRY_CAMPAIGN, 1, i % 4, 1);
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((w) => Math.floor(w.seq / 500) === i % 4)).toBe(true);
    });
    expectIndexed(lookup);
  }, 120_000);

  const listService = (models: Models) =>
    createCampaignListService({
      models,
      logger: testLogger,
      config: { ADMIN_IDS: [1], DEFAULT_TIMEZONE: 'UTC' },
    });

  it('list pages: /campaigns, first and a later page', async () => {
    // Every process builds (or checks) the list index when it starts, as main.ts does.
    await listService(await createModels(admin!)).checkListIndex();
    const lookup = await explain('campaign list pages', async (models, i) => {
      const page = await listService(models).list({ page: 1 + (i % 3) * 5 });
      expect(page.items.length).toBe(page.pageSize);
    });
    expectIndexed(lookup);
  }, 120_000);

  it('list pages: filtered by platform and status', async () => {
    const lookup = await explain('campaign list, filtered', async (models) => {
      const page = await listService(models).list({ platform: 'telegram', status: 'scheduled' });
      expect(page.items.length).toBeGreaterThan(0);
    });
    expectIndexed(lookup);
  }, 120_000);

  const audienceServices = (models: Models) => {
    const counts = createAudienceCountsService({ models, logger: testLogger, store: audience });
    return {
      counts,
      audience: createAudienceService({ models, logger: testLogger, counts }),
      contacts: createContactService({ models, logger: testLogger, counts }),
    };
  };
  /** Reachable contacts of the given segments (all without), from the data as inserted and changed above. */
  const reachableContacts = (segments?: string[]) => {
    let n = 0;
    for (const c of contactDocs()) {
      const i = Number(c.phone.slice(6));
      const changed =
        (i >= 500 && i < 500 + REPEAT) || (i >= 600 && i < 600 + REPEAT) || (i >= 700 && i < 700 + REPEAT);
      if (c.optedOut || !c.valid || changed) continue;
      if (!segments || c.segments.some((s) => segments.includes(s as string))) n++;
    }
    return n;
  };

  it('the reach estimate: all subscribers, two segments, picked contacts and subscribers, imported numbers, groups', async () => {
    // Every process builds the audience counts when it starts, as main.ts does.
    expect(await audienceServices(await createModels(admin!)).counts.ensureCounts()).toBe(true);
    const picked = (
      await admin!
        .db!.collection('contacts')
        .find({}, { projection: { _id: 1 } })
        .limit(50)
        .toArray()
    ).map((d) => String(d._id));
    let reachable = 1; // the user the first /start test subscribed
    for (const s of subscriberDocs()) if (s.subscribed && !s.blocked) reachable++;
    const wa = defaultAudience('whatsapp');
    const tg = defaultAudience('telegram');
    const lookup = await explain('reach estimate', async (models, i) => {
      const { audience: reach } = audienceServices(models);
      expect(await reach.estimateReach({ ...tg, allSubscribers: true })).toBe(reachable);
      expect(await reach.estimateReach(wa)).toBe(reachableContacts());
      const two = [SEGMENTS[0]!, SEGMENTS[3]!];
      expect(await reach.estimateReach({ ...wa, all: false, segments: two })).toBe(reachableContacts(two));
      expect(await reach.estimateReach({ ...wa, all: false, contactIds: picked })).toBeGreaterThan(40);
      const imported = Array.from({ length: 40 }, (_, k) =>
        k % 2 ? phoneOf(1000 + k * 181 + i) : `+49152${k}${i}0000`,
      );
      expect(await reach.estimateReach({ ...wa, all: false, importedPhones: imported })).toBeGreaterThan(30);
      const people = Array.from({ length: 50 }, (_, k) => subscriberId(k * 397 + i));
      expect(await reach.estimateReach({ ...tg, directSubscriberIds: people })).toBeGreaterThan(40);
      await reach.estimateReach({ ...tg, groupIds: [-1_001_000_000_000, -1_001_000_000_001] });
    });
    expectIndexed(lookup, POINT_ROWS);
  }, 120_000);

  it('/contacts: the overview, a page of every contact and a page of one segment, by phone', async () => {
    const segment = SEGMENTS[2]!;
    const inSegment = [...contactDocs()].filter((c) => c.segments.includes(segment)).map((c) => c.phone);
    const lookup = await explain('/contacts pages', async (models, i) => {
      const { contacts } = audienceServices(models);
      const counts = await contacts.segmentCounts();
      expect(counts.find((c) => c.segment === segment)?.count).toBe(inSegment.length);
      expect((await contacts.list({ page: 1, pageSize: 1 })).total).toBe(CONTACTS + 1);
      const page = await contacts.list({ page: 37 + i, pageSize: 10 });
      expect(page.items.map((c) => c.phone)).toEqual(
        Array.from({ length: 10 }, (_, k) => phoneOf((36 + i) * 10 + k)),
      );
      const one = await contacts.list({ segment, page: 12 + i, pageSize: 10 });
      expect(one.items.map((c) => c.phone)).toEqual(inSegment.slice((11 + i) * 10, (12 + i) * 10));
    });
    expectIndexed(lookup, POINT_ROWS);
  }, 120_000);
});
