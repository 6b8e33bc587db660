import type { DeliveryStatus, FailureReason } from '../domain/analytics.js';
import type { Models } from './models.js';

export interface ExportRow {
  run: number;
  recipient: string;
  name?: string;
  phone?: string;
  chatId?: number;
  status: DeliveryStatus;
  reason?: FailureReason;
  attempts?: number;
  sentAt?: Date;
  deliveredAt?: Date;
  readAt?: Date;
  failedAt?: Date;
  clickedAt?: Date;
  clicks?: number;
  respondedAt?: Date;
  convertedAt?: Date;
}

/** When each recipient of a campaign first clicked, converted and replied, keyed `<run>:<recipient>`. */
export interface EngagementMarks {
  clicked: Map<string, Date>;
  converted: Map<string, Date>;
  responded: Map<string, Date>;
}

/**
 * What analytics read from MongoDB besides the counters: reactions on campaign posts, and the rows
 * of the CSV export with the marks of their engagement events.
 */
export function createAnalyticsRepository({ Delivery }: Pick<Models, 'Delivery'>) {
  // Loosely typed: mongoose's inferred aggregate/filter types are costly for the checker.
  const deliveries = Delivery as unknown as {
    aggregate<T>(pipeline: object[]): { exec(): Promise<T[]> };
    find(
      filter: object,
      projection: object,
    ): { sort(s: object): { lean<T>(): { cursor(): AsyncIterable<T> } } };
  };

  // Latest reaction count per campaign message (Telegram sends the new total, not a change). Keyed by
  // chat and message, so a repeated update overwrites instead of adding up.
  const reactionCounts = Delivery.db.collection<{
    _id: string;
    campaignId: number;
    run: number;
    total: number;
    at: Date;
  }>('reaction_counts');

  return {
    /** The /stats card reads a campaign's reaction counts by campaignId (createModels calls this). */
    async init(): Promise<void> {
      await reactionCounts.createIndex({ campaignId: 1 });
    },

    /**
     * Stores the reaction total Telegram reported for one message, when it is a campaign's message.
     * Returns the campaign, or null for any other message.
     */
    async recordReactions(
      chatId: number,
      messageId: number,
      total: number,
      at: Date,
    ): Promise<number | null> {
      const [delivery] = await deliveries
        .aggregate<{ campaignId: number; run: number }>([
          { $match: { platform: 'telegram', chatId, messageId: String(messageId) } },
          { $limit: 1 },
          { $project: { _id: 0, campaignId: 1, run: 1 } },
        ])
        .exec();
      if (!delivery) return null;
      await reactionCounts.replaceOne(
        { _id: `${chatId}:${messageId}` },
        { campaignId: delivery.campaignId, run: delivery.run, total, at },
        { upsert: true },
      );
      return delivery.campaignId;
    },

    /** Reactions on a campaign's messages (one run, or all), as last reported. */
    async reactions(campaignId: number, run?: number): Promise<number> {
      const [row] = await reactionCounts
        .aggregate<{ total: number }>([
          { $match: { campaignId, ...(run !== undefined ? { run } : {}) } },
          { $group: { _id: null, total: { $sum: '$total' } } },
        ])
        .toArray();
      return row?.total ?? 0;
    },

    /**
     * The one-winner marks of a campaign's engagement (link_clicks, goal_hits, first responses): the
     * export fills a stamp FerretDB lost to a concurrent update of the same delivery from them, so
     * that the CSV agrees with the counters.
     */
    async engagementMarks(campaignId: number): Promise<EngagementMarks> {
      const marks: EngagementMarks = { clicked: new Map(), converted: new Map(), responded: new Map() };
      const read = async (name: string, into: Map<string, Date>, filter: object = {}) => {
        for await (const m of Delivery.db
          .collection<{ run: number; recipient: string; at: Date }>(name)
          .find({ campaignId, ...filter }, { projection: { run: 1, recipient: 1, at: 1 } })) {
          into.set(`${m.run}:${m.recipient}`, m.at);
        }
      };
      await Promise.all([
        read('link_clicks', marks.clicked),
        read('goal_hits', marks.converted),
        read('responses', marks.responded, { first: true }),
      ]);
      return marks;
    },

    /** Every delivery of a campaign, in send order, for the CSV export. */
    exportRows(campaignId: number): AsyncIterable<ExportRow> {
      return deliveries
        .find(
          { campaignId },
          {
            _id: 0,
            run: 1,
            recipient: 1,
            name: 1,
            phone: 1,
            chatId: 1,
            status: 1,
            reason: 1,
            attempts: 1,
            sentAt: 1,
            deliveredAt: 1,
            readAt: 1,
            failedAt: 1,
            clickedAt: 1,
            clicks: 1,
            respondedAt: 1,
            convertedAt: 1,
          },
        )
        .sort({ run: 1, seq: 1 })
        .lean<ExportRow>()
        .cursor();
    },
  };
}

export type AnalyticsRepository = ReturnType<typeof createAnalyticsRepository>;
