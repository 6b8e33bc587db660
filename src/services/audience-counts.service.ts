import {
  type AudienceKind,
  type AudienceStore,
  type ClassMove,
  contactClass,
  parseContactClass,
} from '../db/audience.store.js';
import { type ContactState, createContactRepository, toContactRow } from '../db/contact.repository.js';
import { createSubscriberRepository, type SubscriberState } from '../db/subscriber.repository.js';
import type { ContactClassCount, ContactRow } from '../domain/audience.js';
import type { ServiceDeps } from './deps.js';

/** One figure a screen shows that the counts and a recount from MongoDB disagree on. */
export interface AudienceDrift {
  figure: string;
  counted: number;
  recounted: number;
}

export interface AudienceReport {
  subscribers: number;
  contacts: number;
  drifts: AudienceDrift[];
  /** persons whose mirrored state disagreed with MongoDB (or who are mirrored but gone) */
  persons: number;
  /** whether the repair wrote anything */
  repaired: boolean;
}

const PAGE = 500;
/** A rebuild that takes longer than this (a very large database) lets another process try. */
const BUILD_MS = 30 * 60_000;

export const subscriberClass = (s: Pick<SubscriberState, 'subscribed' | 'blocked'>): string =>
  s.subscribed && !s.blocked ? '1' : '0';

/** The figures the screens show, from people per class. */
function figuresOf(kind: AudienceKind, classes: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  const add = (figure: string, n: number) => out.set(figure, (out.get(figure) ?? 0) + n);
  if (kind === 'subscribers') {
    add('subscribers reachable', classes.get('1') ?? 0);
    return out;
  }
  for (const [cls, n] of classes) {
    const { reachable, segments } = parseContactClass(cls);
    add('contacts', n);
    if (reachable) add('contacts reachable', n);
    for (const s of segments) {
      add(`segment ${s}`, n);
      if (reachable) add(`segment ${s} reachable`, n);
    }
  }
  return out;
}

function compare(counted: Map<string, number>, recounted: Map<string, number>): AudienceDrift[] {
  const drifts: AudienceDrift[] = [];
  for (const figure of new Set([...counted.keys(), ...recounted.keys()])) {
    const a = counted.get(figure) ?? 0;
    const b = recounted.get(figure) ?? 0;
    if (a !== b) drifts.push({ figure, counted: a, recounted: b });
  }
  return drifts;
}

/**
 * The audience counts (db/audience.store.ts): what the writers report, the rebuild of a missing
 * mirror (once, by the first reader or at startup), and the reconcile that compares the mirror with
 * MongoDB person by person and repairs it.
 */
export function createAudienceCountsService({
  models,
  logger,
  store,
}: ServiceDeps & { store: AudienceStore }) {
  const contacts = createContactRepository(models);
  const subscribers = createSubscriberRepository(models);
  /** a rebuild this process runs: other readers here wait for it instead of recounting */
  const building = new Map<AudienceKind, Promise<boolean>>();

  /** Every person of the kind in MongoDB with their class, in pages. */
  async function* persons(kind: AudienceKind, onlySubscribed = false): AsyncGenerator<ClassMove[]> {
    if (kind === 'subscribers') {
      for await (const page of subscribers.states(onlySubscribed ? { subscribed: true } : {}, PAGE)) {
        yield page.map((s) => ({ id: String(s.id), cls: subscriberClass(s) }));
      }
    } else {
      for await (const page of contacts.states(PAGE)) {
        yield page.map((c) => ({ id: c.phone, cls: contactClass(c) }));
      }
    }
  }

  async function recount(kind: AudienceKind): Promise<Map<string, number>> {
    const classes = new Map<string, number>();
    for await (const page of persons(kind)) {
      for (const p of page) classes.set(p.cls, (classes.get(p.cls) ?? 0) + 1);
    }
    return classes;
  }

  async function rebuild(kind: AudienceKind, token: string): Promise<boolean> {
    if (!(await store.reset(kind, token))) return false;
    // Unsubscribed people are not mirrored by a rebuild: absent counts as not reachable.
    for await (const page of persons(kind, true)) await store.fill(kind, page);
    const done = await store.finishBuild(kind, token);
    if (done) logger.info({ kind }, 'audience counts built');
    return done;
  }

  /** Builds the mirror if nobody has and this process can claim it; true when it is ready. */
  async function ensure(kind: AudienceKind): Promise<boolean> {
    const running = building.get(kind);
    if (running) return running;
    const token = await store.claimBuild(kind, BUILD_MS);
    if (!token) return false;
    const work = rebuild(kind, token)
      .catch((err: unknown) => {
        logger.warn({ kind, err: String(err) }, 'building the audience counts failed');
        return false;
      })
      .finally(() => {
        building.delete(kind);
        void store.releaseBuild(kind, token).catch(() => undefined);
      });
    building.set(kind, work);
    return work;
  }

  /** People per class: from the counts, or (missing counts) built once, or recounted meanwhile. */
  async function classes(kind: AudienceKind): Promise<Map<string, number>> {
    const stored = await store.counts(kind);
    if (stored.ready) return stored.classes;
    if (await ensure(kind)) {
      const built = await store.counts(kind);
      if (built.ready) return built.classes;
    }
    return recount(kind);
  }

  async function reconcileKind(kind: AudienceKind, repair: boolean) {
    const stored = await store.counts(kind);
    if (!stored.ready) {
      const rebuilt = repair && (await ensure(kind));
      return {
        total: 0,
        drifts: [{ figure: `${kind}: no counts`, counted: 0, recounted: 1 }],
        persons: 0,
        repaired: rebuilt,
      };
    }
    const counted = figuresOf(kind, stored.classes);
    const listed = kind === 'contacts' ? await store.listSizes() : new Map<string | undefined, number>();
    const recounted = new Map<string, number>();
    const seen = new Set<string>();
    const wrong: ClassMove[] = [];
    for await (const page of persons(kind)) {
      const mirrored = await store.classesOf(
        kind,
        page.map((p) => p.id),
      );
      page.forEach((p, i) => {
        seen.add(p.id);
        recounted.set(p.cls, (recounted.get(p.cls) ?? 0) + 1);
        const was = mirrored[i] ?? '';
        // A subscriber never reachable may be missing from the mirror: absent counts as '0'.
        const same = was === p.cls || (kind === 'subscribers' && p.cls === '0' && was === '');
        if (!same) wrong.push({ ...p, expected: was });
      });
    }
    for await (const page of store.mirrored(kind)) {
      for (const [id, cls] of page) if (!seen.has(id)) wrong.push({ id, cls: '', expected: cls });
    }
    const truth = figuresOf(kind, recounted);
    const drifts = compare(counted, truth);
    if (kind === 'contacts') {
      // The /contacts pages' lists: every contact, and each segment's.
      const lists = new Map<string, number>();
      for (const [segment, n] of listed)
        lists.set(segment === undefined ? 'contacts' : `segment ${segment}`, n);
      const expected = new Map([...truth].filter(([f]) => !f.endsWith(' reachable')));
      drifts.push(...compare(lists, expected).map((d) => ({ ...d, figure: `${d.figure} (sorted list)` })));
    }
    let repaired = false;
    if (repair && (drifts.length > 0 || wrong.length > 0)) {
      await store.repair(kind, wrong);
      repaired = true;
      // The counts and lists derive from the mirror: derived again, they agree with it.
      await store.rederive(kind);
    }
    return { total: seen.size, drifts, persons: wrong.length, repaired };
  }

  return {
    /** Reachable subscribers ("all subscribers"). */
    async reachableSubscribers(): Promise<number> {
      return (await classes('subscribers')).get('1') ?? 0;
    },

    /** Contacts per class (reachability and segments). */
    async contactClasses(): Promise<ContactClassCount[]> {
      return [...(await classes('contacts'))].map(([cls, count]) => ({ ...parseContactClass(cls), count }));
    },

    /**
     * What the mirror knows of these numbers, as rows (`id` is not a contact id): unknown numbers are
     * left out. From MongoDB, one lookup each, when the mirror is not complete.
     */
    async contactsByPhone(phones: readonly string[]): Promise<ContactRow[]> {
      const unique = [...new Set(phones)];
      const mirrored = await store.lookup('contacts', unique);
      if (!mirrored) {
        return (await contacts.byPhones(unique)).map((c) => ({ ...toContactRow(c) }));
      }
      return unique.flatMap((phone, i) => {
        const cls = mirrored[i];
        if (!cls) return [];
        const { reachable, segments } = parseContactClass(cls);
        // The class keeps reachability, not its reason: an unreachable one reads as opted out.
        return [{ id: `phone:${phone}`, phone, segments, optedOut: !reachable, valid: true }];
      });
    },

    /** A page of contacts by phone from the sorted lists; null when they are not there (yet). */
    async contactPage(segment: string | undefined, skip: number, limit: number) {
      let page = await store.contactPage(segment, skip, skip + limit - 1);
      if (!page.ready && (await ensure('contacts')))
        page = await store.contactPage(segment, skip, skip + limit - 1);
      return page.ready ? page : null;
    },

    /** Writers: these subscribers are now as given. */
    async subscribersAre(states: readonly Pick<SubscriberState, 'id' | 'subscribed' | 'blocked'>[]) {
      await store.set(
        'subscribers',
        states.map((s) => ({ id: String(s.id), cls: subscriberClass(s) })),
      );
    },

    /** Writers: these contacts are now as given. */
    async contactsAre(states: readonly ContactState[]) {
      await store.set(
        'contacts',
        states.map((c) => ({ id: c.phone, cls: contactClass(c) })),
      );
    },

    /**
     * Builds missing counts in the background at startup (an upgrade from before them, or Redis lost
     * its data), one process at a time; true when both are ready.
     */
    async ensureCounts(): Promise<boolean> {
      const ready = await Promise.all(
        (['subscribers', 'contacts'] as const).map(async (k) => (await store.counts(k)).ready || ensure(k)),
      );
      return ready.every(Boolean);
    },

    /**
     * Recounts subscribers and contacts from MongoDB and compares them with the counts, figure by
     * figure and person by person; with `repair`, persons that drifted are set to what MongoDB says
     * (unless a writer moved them meanwhile) and the counts derived again. Writes made while it
     * reads can show as drift; a repair never undoes them.
     */
    async reconcile(opts: { repair?: boolean } = {}): Promise<AudienceReport> {
      const repair = opts.repair === true;
      const s = await reconcileKind('subscribers', repair);
      const c = await reconcileKind('contacts', repair);
      return {
        subscribers: s.total,
        contacts: c.total,
        drifts: [...s.drifts, ...c.drifts],
        persons: s.persons + c.persons,
        repaired: s.repaired || c.repaired,
      };
    },
  };
}

export type AudienceCountsService = ReturnType<typeof createAudienceCountsService>;
