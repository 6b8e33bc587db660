/**
 * Rule violations. The bot shows them through the i18n key `error-<code>` with `params` as
 * arguments; `message` stays English because it is only for logs.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly params: Record<string, string | number>;

  constructor(code: string, message: string, params: Record<string, string | number> = {}) {
    super(message);
    this.name = this.constructor.name;
    this.code = code;
    this.params = params;
  }
}

export class IllegalTransitionError extends DomainError {
  constructor(from: string, action: string) {
    super('illegal-transition', `Cannot ${action} a campaign that is ${from}`, { from, action });
  }
}

export class CampaignNotEditableError extends DomainError {
  constructor(status: string) {
    super('campaign-not-editable', `A ${status} campaign cannot be edited`, { status });
  }
}

export class PastScheduleError extends DomainError {
  constructor(instant: Date) {
    super('past-schedule', `Schedule time ${instant.toISOString()} is in the past`, {
      instant: instant.toISOString(),
    });
  }
}

export class UnknownTimeZoneError extends DomainError {
  constructor(zone: string) {
    super('unknown-time-zone', `Unknown time zone "${zone}"`, { zone });
  }
}

export class InvalidDateError extends DomainError {
  constructor(input: string) {
    super('invalid-date', `Not a valid date (YYYY-MM-DD): "${input}"`, { input });
  }
}

/** A date past the last one we schedule to: almost always a typo (`2206` for `2026`). */
export class DateTooFarError extends DomainError {
  constructor(input: string, latest: string) {
    super('date-too-far', `Date after ${latest}: "${input}"`, { input, latest });
  }
}

export class InvalidTimeError extends DomainError {
  constructor(input: string) {
    super('invalid-time', `Not a valid time (HH:MM): "${input}"`, { input });
  }
}

export class EndBeforeStartError extends DomainError {
  constructor(end: string, start: string) {
    super('end-before-start', `End date ${end} is before the start ${start}`, { end, start });
  }
}

export class InvalidCronError extends DomainError {
  constructor(expression: string, reason: string) {
    super('invalid-cron', `Invalid cron expression "${expression}": ${reason}`, { expression, reason });
  }
}

export class MessageTooLongError extends DomainError {
  constructor(length: number, limit: number) {
    super('message-too-long', `Message is ${length} characters, the limit is ${limit}`, { length, limit });
  }
}

export class EmptyMessageError extends DomainError {
  constructor() {
    super('empty-message', 'Message has no text and no media');
  }
}

export class EmptyNameError extends DomainError {
  constructor() {
    super('empty-name', 'Campaign name is empty');
  }
}

export class NameTooLongError extends DomainError {
  constructor(length: number, limit: number) {
    super('name-too-long', `Campaign name is ${length} characters, the limit is ${limit}`, { length, limit });
  }
}

export class UnfilledPlaceholderError extends DomainError {
  readonly placeholders: readonly string[];

  constructor(placeholders: readonly string[]) {
    const list = placeholders.map((p) => `[${p}]`).join(', ');
    super('unfilled-placeholder', `Message still contains placeholders: ${list}`, {
      placeholders: list,
      count: placeholders.length,
    });
    this.placeholders = placeholders;
  }
}

export class UnsupportedMediaError extends DomainError {
  constructor(mime: string) {
    super('unsupported-media', `Unsupported media type "${mime}"`, { mime });
  }
}

export class MediaTooLargeError extends DomainError {
  constructor(size: number, limit: number) {
    super('media-too-large', `Media is ${size} bytes, the limit is ${limit}`, { size, limit });
  }
}

export class FeatureNotAvailableError extends DomainError {
  constructor(feature: string, platform: string) {
    super('feature-not-available', `"${feature}" is not available on ${platform}`, { feature, platform });
  }
}

export class EmptyAudienceError extends DomainError {
  constructor() {
    super('empty-audience', 'The campaign has no recipients');
  }
}

export class InvalidButtonLayoutError extends DomainError {
  constructor(maxRows: number, maxPerRow: number) {
    super('invalid-button-layout', `Buttons must be 1-${maxRows} rows of 1-${maxPerRow} buttons`, {
      maxRows,
      maxPerRow,
    });
  }
}

export class InvalidButtonTextError extends DomainError {
  constructor(row: number, column: number, limit: number) {
    super('invalid-button-text', `Button ${row}.${column} needs a text of 1-${limit} characters`, {
      row,
      column,
      limit,
    });
  }
}

export class InvalidButtonUrlError extends DomainError {
  constructor(url: string) {
    super('invalid-button-url', `Button URL must be http(s): "${url}"`, { url });
  }
}

/** Someone else (another admin, the dispatcher) changed the record between our read and our write. */
export class ConcurrentChangeError extends DomainError {
  constructor(entity: string, id: string | number, expected: string, actual: string) {
    super('concurrent-change', `${entity} ${id} is ${actual} now, not ${expected}: changed meanwhile`, {
      entity,
      id,
      expected,
      actual,
    });
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string | number) {
    super('not-found', `${entity} ${id} does not exist`, { entity, id });
  }
}

export class PermissionDeniedError extends DomainError {
  constructor(action: string) {
    super('permission-denied', `Not allowed to ${action}`, { action });
  }
}

export class InvalidSettingError extends DomainError {
  constructor(setting: string, value: string | number) {
    super('invalid-setting', `Invalid value for ${setting}: "${value}"`, { setting, value });
  }
}
