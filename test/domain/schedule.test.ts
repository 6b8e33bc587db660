import { describe, expect, it } from 'vitest';
import {
  DateTooFarError,
  EndBeforeStartError,
  InvalidCronError,
  InvalidDateError,
  InvalidTimeError,
  PastScheduleError,
  UnknownTimeZoneError,
} from '../../src/domain/errors.js';
import {
  assertFuture,
  assertTimeZone,
  COMMON_ZONES,
  formatInZone,
  instantToLocal,
  localToInstant,
  nextOccurrence,
  parseLocalDate,
  parseLocalTime,
  quickDates,
  type Recurrence,
  validateRecurrence,
} from '../../src/domain/schedule.js';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('assertTimeZone', () => {
  it('accepts IANA zones and returns their canonical spelling', () => {
    expect(assertTimeZone('Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(assertTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(assertTimeZone('UTC')).toBe('UTC');
  });

  it('keeps the name the admin chose instead of an old alias', () => {
    expect(assertTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(assertTimeZone('Asia/Calcutta')).toBe('Asia/Calcutta');
  });

  it.each(['Mars/Olympus_Mons', '', 'UTC+3', 'Berlin'])('rejects %j', (zone) => {
    expect(() => assertTimeZone(zone)).toThrow(UnknownTimeZoneError);
  });

  it('offers only valid zones in COMMON_ZONES, starting with the seed ones', () => {
    expect(COMMON_ZONES.slice(0, 2)).toEqual(['UTC', 'America/New_York']);
    expect(COMMON_ZONES).toContain('Europe/London');
    expect(COMMON_ZONES).toContain('Asia/Tokyo');
    for (const zone of COMMON_ZONES) expect(assertTimeZone(zone)).toBe(zone);
  });

  it('puts the zone in the error params', () => {
    try {
      localToInstant({ date: '2029-06-13', time: '11:24', zone: 'Nowhere/City' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UnknownTimeZoneError);
      expect((error as UnknownTimeZoneError).params).toEqual({ zone: 'Nowhere/City' });
    }
  });
});

describe('parseLocalDate', () => {
  it('accepts the seed format and normalises single digits', () => {
    expect(parseLocalDate('2029-06-13')).toBe('2029-06-13');
    expect(parseLocalDate(' 2025-6-5 ')).toBe('2025-06-05');
  });

  it('accepts 29 February in a leap year only', () => {
    expect(parseLocalDate('2028-02-29')).toBe('2028-02-29');
    expect(() => parseLocalDate('2027-02-29')).toThrow(InvalidDateError);
    expect(parseLocalDate('2100-12-31')).toBe('2100-12-31');
    for (const late of ['2101-01-01', '2206-03-01', '9999-12-31']) {
      expect(() => parseLocalDate(late)).toThrow(DateTooFarError);
    }
  });

  it.each(['2029-13-01', '2029-06-31', '13.06.2029', '06/13/2029', 'tomorrow', '', '2029-06-13T10:00'])(
    'rejects %j',
    (input) => {
      expect(() => parseLocalDate(input)).toThrow(InvalidDateError);
    },
  );
});

describe('parseLocalTime', () => {
  it.each([
    ['17:57', '17:57'],
    ['7:05', '07:05'],
    ['00:00', '00:00'],
    ['23:59', '23:59'],
    ['17.57', '17:57'],
    ['5:57 pm', '17:57'],
    ['5:57PM', '17:57'],
    ['5pm', '17:00'],
    ['12:30 am', '00:30'],
    ['12:30 p.m.', '12:30'],
    ['11 am', '11:00'],
  ])('reads %j as %s', (input, expected) => {
    expect(parseLocalTime(input)).toBe(expected);
  });

  it.each(['24:00', '17:60', '13 pm', '0 am', '1757', 'noon', '', '7:5'])('rejects %j', (input) => {
    expect(() => parseLocalTime(input)).toThrow(InvalidTimeError);
  });
});

describe('localToInstant', () => {
  it('reads the wall time in the chosen zone', () => {
    expect(iso(localToInstant({ date: '2029-06-13', time: '11:24', zone: 'Asia/Tokyo' }))).toBe(
      '2029-06-13T02:24:00.000Z',
    );
    expect(iso(localToInstant({ date: '2025-06-05', time: '17:57', zone: 'UTC' }))).toBe(
      '2025-06-05T17:57:00.000Z',
    );
    expect(iso(localToInstant({ date: '2026-07-01', time: '09:00', zone: NEW_YORK }))).toBe(
      '2026-07-01T13:00:00.000Z',
    );
  });

  it('moves a time in the Berlin spring gap (02:30 on 2026-03-29) to 03:00 CEST, when the clocks jump', () => {
    const instant = localToInstant({ date: '2026-03-29', time: '02:30', zone: BERLIN });
    expect(iso(instant)).toBe('2026-03-29T01:00:00.000Z');
    expect(formatInZone(instant, BERLIN)).toBe('2026-03-29 03:00 Europe/Berlin');
  });

  it('moves 02:00 and 02:59 in the gap to the same first valid instant', () => {
    const a = localToInstant({ date: '2026-03-29', time: '02:00', zone: BERLIN });
    const b = localToInstant({ date: '2026-03-29', time: '02:59', zone: BERLIN });
    expect(iso(a)).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(b)).toBe('2026-03-29T01:00:00.000Z');
  });

  it('leaves the minutes around the gap alone', () => {
    expect(iso(localToInstant({ date: '2026-03-29', time: '01:59', zone: BERLIN }))).toBe(
      '2026-03-29T00:59:00.000Z',
    );
    expect(iso(localToInstant({ date: '2026-03-29', time: '03:00', zone: BERLIN }))).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('takes the earlier instant for 02:30 in the Berlin autumn overlap (2026-10-25)', () => {
    const instant = localToInstant({ date: '2026-10-25', time: '02:30', zone: BERLIN });
    // 02:30 CEST (+02:00), not the second 02:30 CET (+01:00) an hour later.
    expect(iso(instant)).toBe('2026-10-25T00:30:00.000Z');
  });

  it('handles the New York gap (2026-03-08 02:30 → 03:00 EDT) and overlap (2026-11-01 01:30 EDT)', () => {
    expect(iso(localToInstant({ date: '2026-03-08', time: '02:30', zone: NEW_YORK }))).toBe(
      '2026-03-08T07:00:00.000Z',
    );
    expect(iso(localToInstant({ date: '2026-11-01', time: '01:30', zone: NEW_YORK }))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('rejects bad dates and times', () => {
    expect(() => localToInstant({ date: '2026-02-30', time: '10:00', zone: 'UTC' })).toThrow(
      InvalidDateError,
    );
    expect(() => localToInstant({ date: '2026-02-01', time: '25:00', zone: 'UTC' })).toThrow(
      InvalidTimeError,
    );
  });

  it('round-trips through instantToLocal', () => {
    const instant = localToInstant({ date: '2027-06-05', time: '17:57', zone: 'Europe/London' });
    expect(instantToLocal(instant, 'Europe/London')).toEqual({ date: '2027-06-05', time: '17:57' });
    expect(instantToLocal(instant, 'UTC')).toEqual({ date: '2027-06-05', time: '16:57' });
  });
});

describe('assertFuture', () => {
  const now = new Date('2026-05-01T12:00:00Z');

  it('accepts a time in the future', () => {
    expect(() => assertFuture(new Date('2026-05-01T12:30:00Z'), now)).not.toThrow();
  });

  it('accepts a time up to 60 s in the past (the admin took a moment to confirm)', () => {
    expect(() => assertFuture(new Date('2026-05-01T11:59:00Z'), now)).not.toThrow();
  });

  it('rejects a time more than 60 s in the past', () => {
    expect(() => assertFuture(new Date('2026-05-01T11:58:59Z'), now)).toThrow(PastScheduleError);
  });

  it('rejects the seed date 2025-06-05 17:57 once it has passed', () => {
    const seed = localToInstant({ date: '2025-06-05', time: '17:57', zone: 'UTC' });
    expect(() => assertFuture(seed, now)).toThrow(PastScheduleError);
    try {
      assertFuture(seed, now);
    } catch (error) {
      expect((error as PastScheduleError).params).toEqual({ instant: '2025-06-05T17:57:00.000Z' });
    }
  });
});

describe('validateRecurrence', () => {
  const start = new Date('2026-05-01T07:00:00Z');

  it('drops cron and end date when not recurring', () => {
    expect(validateRecurrence({ frequency: 'none', cron: 'x', endDate: 'y' }, BERLIN, start)).toEqual({
      frequency: 'none',
    });
  });

  it('normalises the end date and drops a cron the frequency ignores', () => {
    expect(
      validateRecurrence({ frequency: 'daily', cron: '* * * * *', endDate: '2026-5-31' }, BERLIN, start),
    ).toEqual({ frequency: 'daily', endDate: '2026-05-31' });
  });

  it('accepts an end date on the start day (inclusive)', () => {
    expect(validateRecurrence({ frequency: 'weekly', endDate: '2026-05-01' }, BERLIN, start).endDate).toBe(
      '2026-05-01',
    );
  });

  it('rejects an end date before the start, comparing local dates', () => {
    expect(() => validateRecurrence({ frequency: 'daily', endDate: '2026-04-30' }, BERLIN, start)).toThrow(
      EndBeforeStartError,
    );
    // 2026-05-01 00:30 Berlin is still 2026-04-30 in UTC; the campaign's own zone decides.
    const earlyBerlin = new Date('2026-04-30T22:30:00Z');
    expect(() =>
      validateRecurrence({ frequency: 'daily', endDate: '2026-04-30' }, BERLIN, earlyBerlin),
    ).toThrow(EndBeforeStartError);
    expect(
      validateRecurrence({ frequency: 'daily', endDate: '2026-04-30' }, 'UTC', earlyBerlin).endDate,
    ).toBe('2026-04-30');
  });

  it('accepts a valid five-field cron and @aliases', () => {
    expect(validateRecurrence({ frequency: 'custom', cron: ' 0 9 * * 1-5 ' }, BERLIN, start)).toEqual({
      frequency: 'custom',
      cron: '0 9 * * 1-5',
    });
    expect(validateRecurrence({ frequency: 'custom', cron: '@weekly' }, BERLIN, start).cron).toBe('@weekly');
  });

  it.each([
    ['', 'missing'],
    ['61 * * * *', 'minute out of range'],
    ['0 25 * * *', 'hour out of range'],
    ['0 9 * *', 'four fields (cron-parser would pad it)'],
    ['0 0 9 * * *', 'a seconds field'],
    ['@secondly', 'every second'],
    ['0 9 31 2 *', 'a date that never exists'],
    ['every monday', 'words'],
  ])('rejects cron %j (%s)', (cron) => {
    expect(() => validateRecurrence({ frequency: 'custom', cron }, BERLIN, start)).toThrow(InvalidCronError);
  });

  it('rejects custom without a cron expression', () => {
    expect(() => validateRecurrence({ frequency: 'custom' }, BERLIN, start)).toThrow(InvalidCronError);
  });

  it('rejects an unknown zone', () => {
    expect(() => validateRecurrence({ frequency: 'daily' }, 'Atlantis/Capital', start)).toThrow(
      UnknownTimeZoneError,
    );
  });
});

describe('nextOccurrence', () => {
  const run = (r: Recurrence, zone: string, date: string, time: string, count: number) => {
    const start = { date, time };
    const out: string[] = [];
    let previous = localToInstant({ date, time, zone });
    for (let i = 0; i < count; i++) {
      const next = nextOccurrence(r, previous, zone, start);
      if (next === null) break;
      out.push(formatInZone(next, zone, { showZone: false }));
      previous = next;
    }
    return out;
  };

  it('returns null when not recurring', () => {
    expect(
      nextOccurrence({ frequency: 'none' }, new Date(), BERLIN, { date: '2026-01-01', time: '09:00' }),
    ).toBeNull();
  });

  it('keeps 09:00 Berlin across the spring change (UTC hour moves from 08 to 07)', () => {
    const start = { date: '2026-03-28', time: '09:00' };
    const first = localToInstant({ ...start, zone: BERLIN });
    const next = nextOccurrence({ frequency: 'daily' }, first, BERLIN, start);
    expect(iso(first)).toBe('2026-03-28T08:00:00.000Z');
    expect(iso(next)).toBe('2026-03-29T07:00:00.000Z');
  });

  it('keeps 09:00 Berlin across the autumn change', () => {
    const start = { date: '2026-10-24', time: '09:00' };
    const next = nextOccurrence(
      { frequency: 'daily' },
      localToInstant({ ...start, zone: BERLIN }),
      BERLIN,
      start,
    );
    expect(iso(next)).toBe('2026-10-25T08:00:00.000Z');
  });

  it('runs a daily 02:30 Berlin campaign at 03:00 on the gap day and at 02:30 again after', () => {
    expect(run({ frequency: 'daily' }, BERLIN, '2026-03-27', '02:30', 4)).toEqual([
      '2026-03-28 02:30',
      '2026-03-29 03:00',
      '2026-03-30 02:30',
      '2026-03-31 02:30',
    ]);
  });

  it('runs a daily 02:30 Berlin campaign once on the overlap day, at the first 02:30', () => {
    const start = { date: '2026-10-24', time: '02:30' };
    const overlap = nextOccurrence(
      { frequency: 'daily' },
      localToInstant({ ...start, zone: BERLIN }),
      BERLIN,
      start,
    );
    expect(iso(overlap)).toBe('2026-10-25T00:30:00.000Z');
    const after = nextOccurrence({ frequency: 'daily' }, overlap as Date, BERLIN, start);
    expect(iso(after)).toBe('2026-10-26T01:30:00.000Z');
  });

  it('keeps a weekly New York slot at 09:00 local across the March change', () => {
    expect(run({ frequency: 'weekly' }, NEW_YORK, '2026-03-02', '09:00', 2)).toEqual([
      '2026-03-09 09:00',
      '2026-03-16 09:00',
    ]);
    const start = { date: '2026-03-02', time: '09:00' };
    expect(
      iso(
        nextOccurrence(
          { frequency: 'weekly' },
          localToInstant({ ...start, zone: NEW_YORK }),
          NEW_YORK,
          start,
        ),
      ),
    ).toBe('2026-03-09T13:00:00.000Z');
  });

  it('runs monthly on the 31st, the last day of shorter months, and the 31st again', () => {
    expect(run({ frequency: 'monthly' }, BERLIN, '2026-01-31', '09:00', 5)).toEqual([
      '2026-02-28 09:00',
      '2026-03-31 09:00',
      '2026-04-30 09:00',
      '2026-05-31 09:00',
      '2026-06-30 09:00',
    ]);
  });

  it('uses 29 February in a leap year', () => {
    expect(run({ frequency: 'monthly' }, 'UTC', '2028-01-30', '10:00', 2)).toEqual([
      '2028-02-29 10:00',
      '2028-03-30 10:00',
    ]);
  });

  it('stops after the end date, which is inclusive', () => {
    expect(run({ frequency: 'daily', endDate: '2026-06-03' }, BERLIN, '2026-06-01', '23:30', 10)).toEqual([
      '2026-06-02 23:30',
      '2026-06-03 23:30',
    ]);
  });

  it('returns the start itself when asked before it', () => {
    const start = { date: '2026-06-01', time: '09:00' };
    const next = nextOccurrence({ frequency: 'weekly' }, new Date('2026-01-01T00:00:00Z'), BERLIN, start);
    expect(iso(next)).toBe('2026-06-01T07:00:00.000Z');
  });

  it('skips missed runs when given now instead of the previous run', () => {
    const start = { date: '2026-01-01', time: '09:00' };
    const now = new Date('2026-04-15T12:00:00Z');
    expect(iso(nextOccurrence({ frequency: 'daily' }, now, BERLIN, start))).toBe('2026-04-16T07:00:00.000Z');
    expect(iso(nextOccurrence({ frequency: 'weekly' }, now, BERLIN, start))).toBe('2026-04-16T07:00:00.000Z');
    expect(iso(nextOccurrence({ frequency: 'monthly' }, now, BERLIN, start))).toBe(
      '2026-05-01T07:00:00.000Z',
    );
  });

  it('follows a custom cron in the campaign zone after the start', () => {
    // Weekdays at 09:00 Tokyo; 2026-06-05 is a Friday.
    const r: Recurrence = { frequency: 'custom', cron: '0 9 * * 1-5' };
    expect(run(r, 'Asia/Tokyo', '2026-06-05', '09:00', 3)).toEqual([
      '2026-06-08 09:00',
      '2026-06-09 09:00',
      '2026-06-10 09:00',
    ]);
  });

  it('runs a custom recurrence at its start first, then on the cron', () => {
    const r: Recurrence = { frequency: 'custom', cron: '0 9 * * 1' };
    const start = { date: '2026-06-03', time: '15:00' };
    const first = nextOccurrence(r, new Date('2026-06-01T00:00:00Z'), 'UTC', start);
    expect(iso(first)).toBe('2026-06-03T15:00:00.000Z');
    expect(iso(nextOccurrence(r, first as Date, 'UTC', start))).toBe('2026-06-08T09:00:00.000Z');
  });

  it('ends a custom recurrence at the end date', () => {
    const r: Recurrence = { frequency: 'custom', cron: '0 9 * * *', endDate: '2026-06-02' };
    expect(run(r, 'UTC', '2026-06-01', '09:00', 5)).toEqual(['2026-06-02 09:00']);
  });
});

describe('formatInZone', () => {
  it('formats as in the seed, followed by the zone', () => {
    const instant = new Date('2029-06-13T02:24:00Z');
    expect(formatInZone(instant, 'Asia/Tokyo')).toBe('2029-06-13 11:24 Asia/Tokyo');
    expect(formatInZone(instant, 'UTC')).toBe('2029-06-13 02:24 UTC');
    expect(formatInZone(instant, NEW_YORK, { showZone: false })).toBe('2029-06-12 22:24');
  });
});

describe('quickDates', () => {
  it('gives today and tomorrow in the zone, not in UTC', () => {
    const now = new Date('2026-12-31T23:30:00Z');
    expect(quickDates(now, 'UTC')).toEqual({ today: '2026-12-31', tomorrow: '2027-01-01' });
    expect(quickDates(now, 'Asia/Tokyo')).toEqual({ today: '2027-01-01', tomorrow: '2027-01-02' });
    expect(quickDates(now, NEW_YORK)).toEqual({ today: '2026-12-31', tomorrow: '2027-01-01' });
  });
});
