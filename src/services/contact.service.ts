import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { type Contact, type ContactUpsert, createContactRepository } from '../db/contact.repository.js';
import { contactName } from '../domain/audience.js';
import { SEGMENTS } from '../domain/campaign.js';
import { InvalidSettingError } from '../domain/errors.js';
import type { AudienceCountsService } from './audience-counts.service.js';
import { toCsv } from './csv.js';
import { type Page, pageWindow, type ServiceDeps, systemClock } from './deps.js';

/** One parsed CSV row; `line` is the file's line number, for the report. */
export interface ImportRow {
  line: number;
  phone: string;
  name?: string;
  segments?: string[];
}

export type ImportRejection = 'missing-phone' | 'invalid-phone' | 'duplicate-in-file';

export interface ImportReport {
  added: number;
  updated: number;
  rejected: { line: number; reason: ImportRejection }[];
}

export interface SegmentCount {
  segment: string;
  count: number;
}

const CONTACT_CSV_HEADER = ['Phone', 'Name', 'Segments', 'Opted Out', 'Valid'];

const KNOWN_SEGMENTS = new Map(SEGMENTS.map((s) => [s.toLowerCase(), s as string]));

/** The seed's segments keep their spelling whatever case a file uses; others are kept as written. */
function segmentName(raw: string): string {
  const trimmed = raw.trim().replace(/\s+/g, ' ');
  return KNOWN_SEGMENTS.get(trimmed.toLowerCase()) ?? trimmed;
}

export function createContactService({
  models,
  logger,
  clock = systemClock,
  counts,
}: ServiceDeps & { counts: AudienceCountsService }) {
  const repo = createContactRepository(models);

  function e164(raw: string, country?: CountryCode): string | null {
    const parsed = parsePhoneNumberFromString(raw.trim(), country);
    return parsed?.isValid() ? parsed.number : null;
  }

  return {
    /**
     * Upserts contacts by E.164 number. A number is read in `defaultCountry` when it has no +country
     * prefix. Existing contacts get the new name (when given) and the new segments added; an opted-out
     * contact stays opted out. Every refused row is reported with its line.
     */
    async importContacts(
      rows: readonly ImportRow[],
      options: { defaultCountry?: string; segments?: string[] } = {},
    ): Promise<ImportReport> {
      const country = options.defaultCountry?.toUpperCase();
      if (country !== undefined && !isSupportedCountry(country)) {
        throw new InvalidSettingError('defaultCountry', options.defaultCountry ?? '');
      }
      const rejected: ImportReport['rejected'] = [];
      const accepted = new Map<string, ContactUpsert>();
      for (const row of rows) {
        if (!row.phone?.trim()) {
          rejected.push({ line: row.line, reason: 'missing-phone' });
          continue;
        }
        const phone = e164(row.phone, country);
        if (!phone) {
          rejected.push({ line: row.line, reason: 'invalid-phone' });
          continue;
        }
        if (accepted.has(phone)) {
          rejected.push({ line: row.line, reason: 'duplicate-in-file' });
          continue;
        }
        const segments = [
          ...new Set([...(row.segments ?? []), ...(options.segments ?? [])].map(segmentName)),
        ];
        const name = contactName(row.name ?? '');
        accepted.set(phone, { phone, segments: segments.filter(Boolean), ...(name ? { name } : {}) });
      }
      const { added, updated, contacts } = await repo.upsertMany([...accepted.values()], 'import');
      await counts.contactsAre(contacts);
      logger.info({ added, updated, rejected: rejected.length }, 'contacts imported');
      return { added, updated, rejected };
    },

    /** The seed's five segments first (also when empty), then any others by name (from the counts). */
    async segmentCounts(): Promise<SegmentCount[]> {
      const perSegment = new Map<string, number>();
      for (const c of await counts.contactClasses()) {
        for (const s of c.segments) perSegment.set(s, (perSegment.get(s) ?? 0) + c.count);
      }
      const custom = [...perSegment.keys()].filter((s) => !KNOWN_SEGMENTS.has(s.toLowerCase())).sort();
      return [...SEGMENTS, ...custom].map((segment) => ({ segment, count: perSegment.get(segment) ?? 0 }));
    },

    /**
     * A page by phone: the phones from the counts' sorted lists (all, or the segment's), then one
     * lookup each. Without those lists (being built by another process), MongoDB sorts them all.
     */
    async list(query: { segment?: string; page?: number; pageSize?: number } = {}): Promise<Page<Contact>> {
      const { segment } = query;
      const wanted = pageWindow(Number.MAX_SAFE_INTEGER, query.page, query.pageSize);
      let listed = await counts.contactPage(segment, wanted.skip, wanted.pageSize);
      if (!listed) {
        const total = await repo.count(segment);
        const window = pageWindow(total, query.page, query.pageSize);
        const items = await repo.list(segment, window.skip, window.pageSize);
        return { items, total, page: window.page, pages: window.pages, pageSize: window.pageSize };
      }
      // A page past the end shows the last one.
      const window = pageWindow(listed.total, query.page, query.pageSize);
      if (window.skip !== wanted.skip) {
        listed = (await counts.contactPage(segment, window.skip, window.pageSize)) ?? listed;
      }
      const items = await repo.byPhones(listed.phones);
      return {
        items,
        total: listed.total,
        page: window.page,
        pages: window.pages,
        pageSize: window.pageSize,
      };
    },

    /** The contact is kept (so a later import cannot bring them back) but never sent to. */
    async optOut(phone: string): Promise<boolean> {
      const normalized = e164(phone);
      const contact = normalized === null ? null : await repo.optOut(normalized, clock());
      if (contact) await counts.contactsAre([contact]);
      return contact !== null;
    },

    async exportCsv(query: { segment?: string } = {}): Promise<string> {
      const rows: (string | boolean)[][] = [];
      for await (const page of repo.batches(query.segment ? { segments: query.segment } : {}, 1000)) {
        for (const c of page) rows.push([c.phone, c.name, c.segments.join('; '), c.optedOut, c.valid]);
      }
      return toCsv(CONTACT_CSV_HEADER, rows);
    },
  };
}

export type ContactService = ReturnType<typeof createContactService>;
