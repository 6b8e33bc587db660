import { emptyCounters, type RunCounters } from '../domain/analytics.js';
import type { AudienceStore } from './audience.store.js';
import type { CounterStore } from './counter.store.js';
import { createClaimsRepository } from './dispatch/claims.repository.js';
import { createOutcomesRepository } from './dispatch/outcomes.repository.js';
import { createPagesRepository } from './dispatch/pages.repository.js';
import { createReachabilityRepository } from './dispatch/reachability.repository.js';
import { createRunStateRepository } from './dispatch/run-state.repository.js';
import type { DispatchCampaign, RunCounts } from './dispatch/types.js';
import type { Models } from './models.js';
import type { ReachIndex } from './reach-index.js';
import { createRecountRepository } from './recount.repository.js';

/*
 * Data access for the dispatcher (the Telegram runs and the WhatsApp role), composed of:
 *
 * - run-state: the campaign document under a lease (claim, renew, start, finish);
 * - pages: the audience frozen at the start of a run, 500 recipients per document;
 * - claims: one insert per recipient BEFORE the platform call (the `sending` mark);
 * - outcomes: the delivery written once after the call, and counted (counter.store.ts);
 * - reachability: blocked users, chats gone or migrated.
 *
 * Every lookup is by _id or by equality on indexed fields, which FerretDB 1.24 on PostgreSQL serves
 * from an index (its GIN companions); on MongoDB the declared indexes serve them.
 */

export { WHATSAPP_MESSAGE_IDS, type WhatsAppMessageIdDoc } from './dispatch/outcomes.repository.js';
export { createRecipientSource } from './dispatch/recipient-source.js';
export type { ClaimedCampaign } from './dispatch/run-state.repository.js';
export type {
  ChatKind,
  DeliveryResult,
  DispatchCampaign,
  DispatchRecipient,
  DispatchState,
  FinalStatus,
  LeaseToken,
  RecipientSource,
  RunCounts,
  RunRecord,
  WorkItem,
} from './dispatch/types.js';
export { deliveryId } from './dispatch/types.js';

/**
 * `reach`: where outcomes that reached a private chat or a WhatsApp contact are linked for replies.
 * `audience`: the audience counts, told about users a send found blocked (the dispatcher and the
 * WhatsApp role always pass it; without it a reconcile finds those users).
 */
export function createDispatchRepository(
  models: Models,
  deps: { counters: CounterStore; reach?: ReachIndex; audience?: Pick<AudienceStore, 'set'> },
) {
  const { counters, reach, audience } = deps;
  const state = createRunStateRepository(models, counters);
  const pages = createPagesRepository(models);
  const claims = createClaimsRepository(models, pages.pageSize);
  const outcomes = createOutcomesRepository(models, {
    counters,
    claims,
    pageSize: pages.pageSize,
    ...(reach ? { reach } : {}),
  });
  const reachability = createReachabilityRepository(models);
  const recount = createRecountRepository(models);

  return {
    ...state,
    pageSize: pages.pageSize,
    expand: pages.expand,
    readPage: pages.readPage,
    claim: claims.claim,
    releaseClaims: claims.release,
    recordResults: outcomes.recordResults,
    resolveInterrupted: outcomes.resolveInterrupted,
    pendingDeliveries: outcomes.pendingDeliveries,
    hasPendingDeliveries: outcomes.hasPendingDeliveries,
    /** 403 / chat not found: users blocked (and counted so), chats inactive. */
    async markUnreachable(
      users: readonly number[],
      chats: readonly { chatId: number; reason: string }[],
    ): Promise<void> {
      await reachability.markUnreachable(users, chats);
      // A blocked user is unreachable whether subscribed or not.
      await audience?.set(
        'subscribers',
        [...new Set(users)].map((id) => ({ id: String(id), cls: '0' })),
      );
    },
    migrateChat: reachability.migrateChat,

    async init(): Promise<void> {
      await Promise.all([state.init(), pages.init(), outcomes.init(), recount.init()]);
    },

    /** The run's figures from its counters; `complete` false when they must be recounted. */
    async readCounts(c: Pick<DispatchCampaign, 'id' | 'run'>): Promise<RunCounts & { complete: boolean }> {
      await counters.settled();
      const [stored] = await counters.read([{ campaignId: c.id, run: c.run }]);
      return { ...countsOf(stored?.counters ?? emptyCounters()), complete: stored?.complete ?? false };
    },

    /**
     * Counts the run's outcomes from its deliveries and makes them the counters: a run taken over
     * after a crash may have written outcomes it never counted. Counters that were lost (no complete
     * hash) are recounted whole. Reads every delivery of the run: only on a takeover.
     */
    async recountOutcomes(c: DispatchCampaign): Promise<RunCounts> {
      const ref = { campaignId: c.id, run: c.run };
      const [stored] = await counters.read([ref]);
      if (!stored?.complete) {
        const full = await recount.run(c.id, c.run, c.dispatch.total);
        await counters.replace(ref, full, { platform: c.platform });
        return countsOf(full);
      }
      const counts = await outcomes.countOutcomes(c);
      await counters.replace(
        ref,
        { ...emptyCounters(), total: c.dispatch.total, ...counts },
        { only: 'outcomes' },
      );
      return counts;
    },

    async cleanupRun(campaignId: number, run: number): Promise<void> {
      await Promise.all([
        pages.removePages(campaignId, run),
        claims.removeRun(campaignId, run),
        state.releaseLeaseRecords(campaignId),
      ]);
    },
  };
}

function countsOf(k: RunCounters): RunCounts {
  return {
    sent: k.sent,
    failed: k.failed,
    unknown: k.unknown,
    pending: Math.max(0, k.total - k.sent - k.failed - k.unknown),
    reasons: k.reasons,
  };
}

export type DispatchRepository = ReturnType<typeof createDispatchRepository>;
