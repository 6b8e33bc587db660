import type { Model } from 'mongoose';
import { emptyCounters, type FailureReason, quarterOf, type RunCounters } from '../domain/analytics.js';
import type { Models } from './models.js';

function bump(buckets: Record<number, number>, at: Date): void {
  const q = quarterOf(new Date(at).getTime());
  buckets[q] = (buckets[q] ?? 0) + 1;
}

/**
 * A run's counters computed from what MongoDB keeps: the deliveries (status, reason, sends over
 * time, repeat clicks, engagement stamps) and the marks that decided each engagement event once
 * (`link_clicks`, `goal_hits`, the first `responses`). It reads all of the run's documents: for the
 * reconcile script and for runs whose counters were lost, never on a hot path.
 */
export function createRecountRepository(models: Pick<Models, 'Campaign' | 'Delivery' | 'Response'>) {
  const { Campaign, Delivery, Response } = models as unknown as Record<
    'Campaign' | 'Delivery' | 'Response',
    Model<Record<string, unknown>>
  >;

  /** The run's audience: the dispatcher's total for the current run, the history's for earlier ones. */
  async function totalOf(campaignId: number, run: number): Promise<number> {
    const doc = await Campaign.findById(campaignId, { run: 1, runs: 1, dispatch: 1 }).lean().exec();
    if (!doc) return 0;
    if (doc.run === run) return (doc.dispatch as { total?: number } | undefined)?.total ?? 0;
    return (
      (doc.runs as { run: number; total?: number }[] | undefined)?.find((r) => r.run === run)?.total ?? 0
    );
  }
  const clicks = Delivery.db.collection<{ campaignId: number; run: number; at?: Date }>('link_clicks');
  const goals = Delivery.db.collection<{ campaignId: number; run: number }>('goal_hits');

  return {
    /** The marks are found by (campaign, run): declared so on MongoDB, GIN companions on FerretDB. */
    async init(): Promise<void> {
      await Promise.all([
        clicks.createIndex({ campaignId: 1, run: 1 }),
        goals.createIndex({ campaignId: 1, run: 1 }),
      ]);
    },

    /** `total`: the run's audience when the caller knows it (else from the campaign). */
    async run(campaignId: number, run: number, total?: number): Promise<RunCounters> {
      const c = emptyCounters();
      c.total = total ?? (await totalOf(campaignId, run));
      const scope = { campaignId, run };
      let pending = 0;
      // What the deliveries say, stamps included (imported data, or runs from before the marks)…
      const stamped = {
        clicked: 0,
        converted: 0,
        responded: 0,
        responseMs: 0,
        firstClicks: {} as Record<number, number>,
      };
      const fields = {
        _id: 0,
        status: 1,
        reason: 1,
        sentAt: 1,
        clicks: 1,
        clickedAt: 1,
        convertedAt: 1,
        respondedAt: 1,
        responseMs: 1,
      };
      for await (const d of Delivery.find(scope, fields).lean().cursor({ batchSize: 1000 })) {
        const status = d.status as string;
        if (status === 'sent' || status === 'delivered' || status === 'read') {
          c.sent++;
          if (status !== 'sent') c.delivered++;
          if (status === 'read') c.read++;
          if (d.sentAt) bump(c.sends, d.sentAt as Date);
        } else if (status === 'failed') {
          c.failed++;
          const reason = ((d.reason as string | undefined) ?? 'unknown') as FailureReason;
          c.reasons[reason] = (c.reasons[reason] ?? 0) + 1;
        } else if (status === 'unknown') c.unknown++;
        else pending++;
        c.clicks += typeof d.clicks === 'number' ? d.clicks : 0;
        if (d.clickedAt) {
          stamped.clicked++;
          bump(stamped.firstClicks, d.clickedAt as Date);
        }
        if (d.convertedAt) stamped.converted++;
        if (d.respondedAt) {
          stamped.responded++;
          stamped.responseMs += typeof d.responseMs === 'number' ? d.responseMs : 0;
        }
      }
      // …and the one-winner marks the events were decided by. A mark is written before its stamp,
      // and FerretDB can lose a stamp to a concurrent update of the same delivery: the larger wins.
      const marked = { clicked: 0, firstClicks: {} as Record<number, number>, responded: 0, responseMs: 0 };
      for await (const click of clicks.find(scope, { projection: { at: 1 } })) {
        marked.clicked++;
        if (click.at) bump(marked.firstClicks, click.at);
      }
      for await (const r of Response.find({ ...scope, first: true }, { _id: 0, responseMs: 1 })
        .lean()
        .cursor()) {
        marked.responded++;
        marked.responseMs += typeof r.responseMs === 'number' ? r.responseMs : 0;
      }
      // Deliveries set back to pending (a retry) are part of the audience too.
      c.total = Math.max(c.total, c.sent + c.failed + c.unknown + pending);
      const byMarks = marked.clicked >= stamped.clicked;
      c.clicked = byMarks ? marked.clicked : stamped.clicked;
      c.firstClicks = byMarks ? marked.firstClicks : stamped.firstClicks;
      c.clicks = Math.max(c.clicks, c.clicked);
      c.converted = Math.max(stamped.converted, await goals.countDocuments(scope));
      const byReplies = marked.responded >= stamped.responded;
      c.responded = byReplies ? marked.responded : stamped.responded;
      c.responseMs = byReplies ? marked.responseMs : stamped.responseMs;
      return c;
    },
  };
}

export type RecountRepository = ReturnType<typeof createRecountRepository>;
