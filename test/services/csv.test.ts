import { describe, expect, it } from 'vitest';
import { toCsv } from '../../src/services/csv.js';

describe('CSV exports', () => {
  it('quotes commas, quotes and line breaks, with CRLF lines', () => {
    expect(toCsv(['Name', 'Note'], [['Doe, Jane', 'said "hi"\nbye']])).toBe(
      'Name,Note\r\n"Doe, Jane","said ""hi""\nbye"\r\n',
    );
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    const csv = toCsv(['Name'], [['=HYPERLINK("http://x","y")'], ['@SUM(A1)'], ['-2+3'], ['\tx']]);
    expect(csv.split('\r\n').slice(1, 5)).toEqual([
      `"'=HYPERLINK(""http://x"",""y"")"`,
      "'@SUM(A1)",
      "'-2+3",
      "'\tx",
    ]);
  });

  it('leaves phone numbers, negative numbers and usernames as they are', () => {
    expect(
      toCsv(
        ['Phone', 'Chat'],
        [
          ['+4915112345678', -1001234],
          ['-3', 0],
          ['@john_doe', 1],
        ],
      ),
    ).toBe('Phone,Chat\r\n+4915112345678,-1001234\r\n-3,0\r\n@john_doe,1\r\n');
  });
});
