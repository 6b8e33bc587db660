import type { DeliveryStatus, FailureReason } from '../domain/analytics.js';
import type { Models } from './models.js';

/**
 * Analytics queries. FerretDB 1.24 scans the whole collection on every query and returns 0 for any
 * accumulator after the first in a $group, so each figure set is ONE $group with `$sum: 1`, keyed by
 * everything we need: the flags (`$type` of the timestamp: "date" when set) and the values we would
 * otherwise sum (response time, clicks per recipient), which are summed here from the groups.
 */
export interface FigureRow {
  run: number;
  status: DeliveryStatus;
  reason?: FailureReason;
  clicked: boolean;
  responded: boolean;
  converted: boolean;
  /** total clicks of each recipient in the group (repeats included) */
  clicks: number;
  responseMs?: number;
  count: number;
}

export interface OverviewRow {
  campaignId: number;
  status: DeliveryStatus;
  clicked: boolean;
  count: number;
}

export interface TimelinePoint {
  sentAt?: Date;
  clickedAt?: Date;
}

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

const isSet = (type: unknown) => type === 'date';

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

    /** One campaign's deliveries by run, status, reason and engagement, in a single scan. */
    async figures(campaignId: number, run?: number): Promise<FigureRow[]> {
      const rows = await deliveries
        .aggregate<{
          _id: {
            run: number;
            status: DeliveryStatus;
            reason?: FailureReason | null;
            c: string;
            r: string;
            v: string;
            k?: number | null;
            ms?: number | null;
          };
          n: number;
        }>([
          { $match: run === undefined ? { campaignId } : { campaignId, run } },
          {
            $group: {
              _id: {
                run: '$run',
                status: '$status',
                reason: '$reason',
                c: { $type: '$clickedAt' },
                r: { $type: '$respondedAt' },
                v: { $type: '$convertedAt' },
                k: '$clicks',
                ms: '$responseMs',
              },
              n: { $sum: 1 },
            },
          },
        ])
        .exec();
      return rows.map(({ _id, n }) => ({
        run: _id.run,
        status: _id.status,
        ...(_id.reason ? { reason: _id.reason } : {}),
        clicked: isSet(_id.c),
        responded: isSet(_id.r),
        converted: isSet(_id.v),
        clicks: typeof _id.k === 'number' ? _id.k : 0,
        ...(typeof _id.ms === 'number' ? { responseMs: _id.ms } : {}),
        count: n,
      }));
    },

    /** Every campaign's deliveries that went out since `from` (all time without it), in a single scan. */
    async overview(from?: Date): Promise<OverviewRow[]> {
      const match = from ? { $or: [{ sentAt: { $gte: from } }, { failedAt: { $gte: from } }] } : {};
      const rows = await deliveries
        .aggregate<{ _id: { id: number; status: DeliveryStatus; c: string }; n: number }>([
          { $match: match },
          {
            $group: {
              _id: { id: '$campaignId', status: '$status', c: { $type: '$clickedAt' } },
              n: { $sum: 1 },
            },
          },
        ])
        .exec();
      return rows.map(({ _id, n }) => ({
        campaignId: _id.id,
        status: _id.status,
        clicked: isSet(_id.c),
        count: n,
      }));
    },

    /** Send and first-click instants of one campaign (or run), for the over-time chart. */
    timeline(campaignId: number, run?: number): AsyncIterable<TimelinePoint> {
      return deliveries
        .find(run === undefined ? { campaignId } : { campaignId, run }, { _id: 0, sentAt: 1, clickedAt: 1 })
        .sort({ run: 1, seq: 1 })
        .lean<TimelinePoint>()
        .cursor();
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
