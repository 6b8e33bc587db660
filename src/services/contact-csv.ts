import { DomainError } from '../domain/errors.js';
import type { ImportRow } from './contact.service.js';

export const CONTACT_FILE_LIMIT = 5 * 1024 * 1024;

export type MalformedCsvReason = 'empty' | 'too-large' | 'binary' | 'not-csv' | 'unclosed-quote' | 'no-rows';

/** A contacts file that cannot be read at all (as opposed to single bad rows, which are reported). */
export class MalformedCsvError extends DomainError {
  readonly reason: MalformedCsvReason;

  constructor(reason: MalformedCsvReason, params: Record<string, string | number> = {}) {
    super(`csv-${reason}`, `Contacts file rejected: ${reason}`, params);
    this.reason = reason;
  }
}

const CSV_NAMES = /\.(csv|txt)$/i;
const CSV_MIMES = new Set([
  'text/csv',
  'text/plain',
  'text/comma-separated-values',
  'application/csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
]);

/** Checks what Telegram tells about a document before it is downloaded. */
export function assertContactFile(file: { fileName?: string; mime?: string; size?: number }): void {
  if (file.size !== undefined && file.size > CONTACT_FILE_LIMIT) {
    throw new MalformedCsvError('too-large', { size: file.size, limit: CONTACT_FILE_LIMIT });
  }
  const named = file.fileName !== undefined && CSV_NAMES.test(file.fileName);
  const mime = (file.mime ?? '').split(';')[0]!.trim().toLowerCase();
  if (!named && !CSV_MIMES.has(mime)) {
    throw new MalformedCsvError('not-csv', { name: file.fileName ?? '', mime: mime || '?' });
  }
  if (file.size === 0) throw new MalformedCsvError('empty');
}

interface CsvRecord {
  line: number;
  fields: string[];
}

/** RFC 4180 records with the line each one starts on (a quoted field may span lines). */
function parseRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0]!.trim() !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field.trim() === '') {
      field = '';
      quoted = true;
      quoteLine = line;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new MalformedCsvError('unclosed-quote', { line: quoteLine });
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/** Control characters other than tab and line breaks do not occur in text files. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return true;
  }
  return false;
}

const HEADER_NAMES: Record<string, 'phone' | 'name' | 'segments'> = {
  phone: 'phone',
  'phone number': 'phone',
  number: 'phone',
  mobile: 'phone',
  whatsapp: 'phone',
  name: 'name',
  'full name': 'name',
  segments: 'segments',
  segment: 'segments',
};

/**
 * Reads a contacts CSV: columns `phone,name,segments` (a header row is optional and may name the
 * columns in any order), segments separated by `;`. Rows keep their file line numbers so the import
 * report can point at them. Numbers are left as written: the contact service normalises them.
 */
export function readContactsCsv(bytes: Uint8Array): ImportRow[] {
  if (bytes.length > CONTACT_FILE_LIMIT) {
    throw new MalformedCsvError('too-large', { size: bytes.length, limit: CONTACT_FILE_LIMIT });
  }
  if (bytes.length === 0) throw new MalformedCsvError('empty');
  if (bytes.includes(0)) throw new MalformedCsvError('binary');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new MalformedCsvError('binary');
  }
  text = text.replace(/^\uFEFF/, '');
  if (hasControlCharacters(text)) throw new MalformedCsvError('binary');
  if (text.trim() === '') throw new MalformedCsvError('empty');

  const records = parseRecords(text);
  let columns: Record<'phone' | 'name' | 'segments', number> = { phone: 0, name: 1, segments: 2 };
  const first = records[0];
  if (first) {
    const names = first.fields.map((f) => HEADER_NAMES[f.trim().toLowerCase()]);
    if (names.includes('phone')) {
      columns = {
        phone: names.indexOf('phone'),
        name: names.indexOf('name'),
        segments: names.indexOf('segments'),
      };
      records.shift();
    }
  }
  if (records.length === 0) throw new MalformedCsvError('no-rows');

  const at = (r: CsvRecord, index: number) => (index < 0 ? '' : (r.fields[index] ?? '').trim());
  return records.map((r) => {
    const name = at(r, columns.name);
    const segments = at(r, columns.segments)
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
    return {
      line: r.line,
      phone: at(r, columns.phone),
      ...(name ? { name } : {}),
      ...(segments.length ? { segments } : {}),
    };
  });
}
