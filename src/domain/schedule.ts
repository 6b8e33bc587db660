import { CronExpressionParser } from 'cron-parser';
import { DateTime, IANAZone } from 'luxon';
import {
  DateTooFarError,
  EndBeforeStartError,
  InvalidCronError,
  InvalidDateError,
  InvalidTimeError,
  PastScheduleError,
  UnknownTimeZoneError,
} from './errors.js';

/** `YYYY-MM-DD` in the campaign's zone. */
export type LocalDate = string;
/** `HH:mm`, 24 h. */
export type LocalTime = string;

export interface LocalDateTime {
  date: LocalDate;
  time: LocalTime;
  zone: string;
}

export const COMMON_ZONES = [
  'UTC',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Moscow',
  'Africa/Lagos',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Sydney',
] as const;

/**
 * Returns the zone with its usual capitals (`europe/berlin` → `Europe/Berlin`). Only the case is
 * fixed: ICU would also turn `Asia/Kolkata` into its old alias `Asia/Calcutta`.
 */
export function assertTimeZone(zone: string): string {
  const trimmed = zone.trim();
  if (trimmed === '' || !IANAZone.isValidZone(trimmed)) throw new UnknownTimeZoneError(zone);
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === trimmed.toLowerCase() ? resolved : trimmed;
}

const DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
/** The last date a campaign (or a recurrence's end) may be set to. */
export const LATEST_DATE: LocalDate = '2100-12-31';

export function parseLocalDate(input: string): LocalDate {
  const match = DATE_RE.exec(input.trim());
  if (!match) throw new InvalidDateError(input);
  const parsed = DateTime.fromObject(
    { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) },
    { zone: 'UTC' },
  );
  if (!parsed.isValid) throw new InvalidDateError(input);
  const date = parsed.toFormat('yyyy-MM-dd');
  if (date > LATEST_DATE) throw new DateTooFarError(input, LATEST_DATE);
  return date;
}

const TIME_24_RE = /^(\d{1,2})[:.](\d{2})$/;
const TIME_12_RE = /^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?$/i;

/** Accepts `17:57`, `7:05`, `17.57`, `5:57 pm`, `5pm`, `12:30 a.m.`; returns `HH:mm`. */
export function parseLocalTime(input: string): LocalTime {
  const text = input.trim();
  let hour: number;
  let minute: number;
  const h24 = TIME_24_RE.exec(text);
  const h12 = h24 ? null : TIME_12_RE.exec(text);
  if (h24) {
    hour = Number(h24[1]);
    minute = Number(h24[2]);
    if (hour > 23) throw new InvalidTimeError(input);
  } else if (h12) {
    const h = Number(h12[1]);
    if (h < 1 || h > 12) throw new InvalidTimeError(input);
    minute = h12[2] === undefined ? 0 : Number(h12[2]);
    hour = (h % 12) + (h12[3]?.toLowerCase() === 'p' ? 12 : 0);
  } else {
    throw new InvalidTimeError(input);
  }
  if (minute > 59) throw new InvalidTimeError(input);
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallTime(date: LocalDate, time: LocalTime): WallTime {
  const [year, month, day] = parseLocalDate(date).split('-').map(Number) as [number, number, number];
  const [hour, minute] = parseLocalTime(time).split(':').map(Number) as [number, number];
  return { year, month, day, hour, minute };
}

const MINUTE = 60_000;

/**
 * A wall time in a DST gap (Berlin 2026-03-29 02:30) does not exist; we take the first instant
 * that does, i.e. the moment the clocks jump (03:00 local), so the send happens as close as
 * possible to what was asked. In an overlap (Berlin 2026-10-25 02:30 happens twice) we take the
 * earlier instant so that nothing is sent later than the admin expects.
 */
function wallToInstant(wall: WallTime, zone: string): DateTime {
  const guess = DateTime.fromObject(wall, { zone });
  const exact = guess
    .getPossibleOffsets()
    .filter((c) => c.day === wall.day && c.hour === wall.hour && c.minute === wall.minute)
    .sort((a, b) => a.toMillis() - b.toMillis());
  if (exact[0]) return exact[0];

  // Gap: luxon moved the time forward by the gap length, so `guess` is after the jump and carries the
  // new offset; the wall time read with the new offset lies before the jump. Search between them.
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  let before = asUtc - guess.offset * MINUTE;
  let after = guess.toMillis();
  while (after - before > MINUTE) {
    const mid = before + Math.floor((after - before) / 2 / MINUTE) * MINUTE;
    if (DateTime.fromMillis(mid, { zone }).offset === guess.offset) after = mid;
    else before = mid;
  }
  return DateTime.fromMillis(after, { zone });
}

export function localToInstant({ date, time, zone }: LocalDateTime): Date {
  return wallToInstant(wallTime(date, time), assertTimeZone(zone)).toJSDate();
}

export function instantToLocal(instant: Date, zone: string): { date: LocalDate; time: LocalTime } {
  const dt = DateTime.fromJSDate(instant, { zone: assertTimeZone(zone) });
  return { date: dt.toFormat('yyyy-MM-dd'), time: dt.toFormat('HH:mm') };
}

/** Grace so that "now" picked in a wizard a few seconds ago still counts as the future. */
export const PAST_GRACE_MS = 60_000;

export function assertFuture(instant: Date, now: Date, graceMs = PAST_GRACE_MS): void {
  if (instant.getTime() < now.getTime() - graceMs) throw new PastScheduleError(instant);
}

export const FREQUENCIES = ['none', 'daily', 'weekly', 'monthly', 'custom'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface Recurrence {
  frequency: Frequency;
  /** five-field cron (minute hour day-of-month month day-of-week) or an @alias, for `custom` */
  cron?: string;
  /** last local date (inclusive) on which the campaign may run */
  endDate?: LocalDate;
}

function parseCron(expression: string, zone: string, currentDate?: Date) {
  const text = expression.trim();
  // cron-parser pads short expressions ('' becomes every minute) and accepts a seconds field;
  // campaigns are scheduled to the minute, so only the standard five fields are accepted.
  const fields = text.split(/\s+/).filter(Boolean);
  if (text.startsWith('@') ? text.toLowerCase() === '@secondly' : fields.length !== 5) {
    throw new InvalidCronError(expression, 'expected five fields: minute hour day month weekday');
  }
  try {
    return CronExpressionParser.parse(text, { tz: zone, ...(currentDate ? { currentDate } : {}) });
  } catch (error) {
    throw new InvalidCronError(expression, error instanceof Error ? error.message : String(error));
  }
}

/** Returns the recurrence normalised (trimmed cron, canonical end date, no fields the frequency ignores). */
export function validateRecurrence(r: Recurrence, zone: string, start: Date): Recurrence {
  const tz = assertTimeZone(zone);
  if (r.frequency === 'none') return { frequency: 'none' };
  const result: Recurrence = { frequency: r.frequency };
  if (r.frequency === 'custom') {
    const cron = (r.cron ?? '').trim();
    parseCron(cron, tz);
    result.cron = cron;
  }
  if (r.endDate !== undefined && r.endDate.trim() !== '') {
    const endDate = parseLocalDate(r.endDate);
    const startDate = instantToLocal(start, tz).date;
    if (endDate < startDate) throw new EndBeforeStartError(endDate, startDate);
    result.endDate = endDate;
  }
  return result;
}

function calendarDate(date: LocalDate): DateTime {
  return DateTime.fromISO(date, { zone: 'UTC' });
}

/**
 * The first occurrence strictly after `after` (pass the previous run, or now to skip missed runs),
 * or null when the recurrence has ended. Daily, weekly and monthly occurrences are counted from the
 * start (`startLocal`), so they keep the local wall time across DST and a monthly campaign on the
 * 31st runs on the last day of shorter months and on the 31st again when the month has one.
 * Custom recurrences run at the start instant first, then at the cron times in the zone (cron-parser
 * skips a time that falls in a DST gap forward by the gap length and runs once in an overlap).
 */
export function nextOccurrence(
  r: Recurrence,
  after: Date,
  zone: string,
  startLocal: { date: LocalDate; time: LocalTime },
): Date | null {
  const tz = assertTimeZone(zone);
  const startDate = parseLocalDate(startLocal.date);
  const startTime = parseLocalTime(startLocal.time);
  const endDate = r.endDate ? parseLocalDate(r.endDate) : undefined;
  const withinEnd = (localDate: LocalDate) => endDate === undefined || localDate <= endDate;

  switch (r.frequency) {
    case 'none':
      return null;
    case 'custom': {
      const startInstant = localToInstant({ date: startDate, time: startTime, zone: tz });
      const next =
        after.getTime() < startInstant.getTime()
          ? startInstant
          : parseCron(r.cron ?? '', tz, after)
              .next()
              .toDate();
      return withinEnd(instantToLocal(next, tz).date) ? next : null;
    }
    case 'daily':
    case 'weekly':
    case 'monthly': {
      const unit = r.frequency === 'daily' ? 'days' : r.frequency === 'weekly' ? 'weeks' : 'months';
      const first = calendarDate(startDate);
      const afterDate = calendarDate(instantToLocal(after, tz).date);
      const elapsed = Math.floor(afterDate.diff(first, unit).as(unit));
      // `elapsed` can be one off around DST and month ends, so start one step earlier and walk.
      for (let n = Math.max(0, elapsed - 1); ; n++) {
        const date = first.plus({ [unit]: n }).toFormat('yyyy-MM-dd');
        if (!withinEnd(date)) return null;
        const instant = localToInstant({ date, time: startTime, zone: tz });
        if (instant.getTime() > after.getTime()) return instant;
      }
    }
  }
}

/** The part of a campaign's schedule that says when it recurs. */
export interface CampaignSchedule {
  zone: string;
  localDate?: LocalDate;
  localTime?: LocalTime;
  frequency?: Frequency;
  cron?: string;
  endDate?: LocalDate;
}

/**
 * The next occurrence of a recurring campaign after `now` (missed ones are skipped), or null when
 * it does not recur or has ended. Throws what nextOccurrence throws for a schedule it cannot read.
 */
export function nextScheduled(s: CampaignSchedule, now: Date): Date | null {
  if (!s.frequency || s.frequency === 'none' || !s.localDate || !s.localTime) return null;
  return nextOccurrence(
    {
      frequency: s.frequency,
      ...(s.cron ? { cron: s.cron } : {}),
      ...(s.endDate ? { endDate: s.endDate } : {}),
    },
    now,
    s.zone || 'UTC',
    { date: s.localDate, time: s.localTime },
  );
}

/** `2029-06-13 11:24 Asia/Tokyo`; the zone name is kept because abbreviations are ambiguous. */
export function formatInZone(instant: Date, zone: string, options: { showZone?: boolean } = {}): string {
  const tz = assertTimeZone(zone);
  const text = DateTime.fromJSDate(instant, { zone: tz }).toFormat('yyyy-MM-dd HH:mm');
  return options.showZone === false ? text : `${text} ${tz}`;
}

export function quickDates(now: Date, zone: string): { today: LocalDate; tomorrow: LocalDate } {
  const today = DateTime.fromJSDate(now, { zone: assertTimeZone(zone) }).startOf('day');
  return { today: today.toFormat('yyyy-MM-dd'), tomorrow: today.plus({ days: 1 }).toFormat('yyyy-MM-dd') };
}
