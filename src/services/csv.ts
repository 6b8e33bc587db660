export type CsvValue = string | number | boolean | null | undefined;

/**
 * A cell a spreadsheet would run as a formula. Plain numbers (`+4915…`, `-3`) and Telegram usernames
 * (`@john_doe`: no call, no operator) are left alone.
 */
const FORMULA = /^[=+\-@\t\r]/;
const HARMLESS = /^(?:[+-]?\d[\d\s.,]*|@\w{1,64})$/;

function field(value: CsvValue): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (typeof value === 'string' && FORMULA.test(text) && !HARMLESS.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180: CRLF line breaks, fields with a comma, quote or line break quoted, quotes doubled. Text
 * that a spreadsheet would evaluate (`=HYPERLINK(…)`, `@SUM(…)`) gets a leading apostrophe (OWASP's
 * advice against CSV injection): names and messages come from strangers.
 */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [header.map(field).join(',')];
  for (const row of rows) lines.push(row.map(field).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
