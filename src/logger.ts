import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /**
   * Values that must never reach a log (the bot token, WEBHOOK_SECRET, CLICK_SECRET, METRICS_TOKEN,
   * the connection strings and their passwords): replaced wherever an error's text carries them.
   */
  secrets?: readonly (string | undefined)[];
  /** where the lines go (tests capture them); stdout by default */
  destination?: DestinationStream;
}

/**
 * Structured JSON logs. Errors are logged under `err` and go through one serializer
 * (`serializeError`); phone numbers are masked by callers via maskPhone.
 */
export function createLogger(
  level: string,
  base: Record<string, unknown> = {},
  options: LoggerOptions = {},
): Logger {
  const secrets = secretList(options.secrets ?? []);
  const serialize = (value: unknown) => serializeError(value, secrets);
  const config = {
    level,
    base: { pid: process.pid, ...base },
    serializers: { err: serialize },
    redact: {
      paths: ['token', 'botToken', '*.token', 'config', '*.config', 'BOT_TOKEN', 'phone', '*.phone'],
      censor: '[redacted]',
    },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** +4915112345678 → +49151•••••678: enough to tell numbers apart in logs, not enough to call them. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '•••';
  return `${phone.slice(0, 6)}${'•'.repeat(phone.length - 9)}${phone.slice(-3)}`;
}

/** A bot token in a Bot API URL (`/bot123456:AA…/sendMessage`), whatever its length. */
const BOT_URL_TOKEN = /\bbot\d+:[A-Za-z0-9_-]+/g;
/** A bot token on its own, shaped as @BotFather makes them. */
const BOT_TOKEN = /\b\d{5,}:[A-Za-z0-9_-]{20,}/g;
/** The user and password of a connection string: `mongodb://user:pw@host`, `redis://:pw@host`. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

function secretList(values: readonly (string | undefined)[]): string[] {
  const out = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    out.add(value);
    // The password of a connection string on its own (it may show up URL-decoded in a message).
    try {
      const url = new URL(value);
      if (url.password) {
        out.add(url.password);
        out.add(decodeURIComponent(url.password));
      }
      if (url.username) out.add(decodeURIComponent(url.username));
    } catch {
      // not a URL
    }
  }
  // Longest first, so that a secret containing another is replaced whole; very short ones would
  // blank out ordinary words.
  return [...out].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
}

/** Removes bot tokens, connection-string credentials and the given secret values from a text. */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out
    .replace(BOT_URL_TOKEN, 'bot<bot-token>')
    .replace(BOT_TOKEN, '<bot-token>')
    .replace(USERINFO, '$1***@');
}

/** Removes a bot token from any string (URLs in error messages carry it). */
export function scrubToken(text: string): string {
  return scrubSecrets(text);
}

export interface SerializedError {
  type: string;
  message: string;
  [field: string]: string | number | boolean | SerializedError | SerializedError[] | undefined;
}

/** Scalar fields worth keeping: driver and system codes, the Bot API's answer, the method called. */
const FIELDS = [
  'code',
  'codeName',
  'errno',
  'syscall',
  'error_code',
  'description',
  'method',
  'reason',
  'status',
  'statusCode',
] as const;
const STACK_FRAMES = 8;
const MAX_CAUSES = 4;

/**
 * The one way an error reaches a log: its type, message, scalar codes, a trimmed stack and its
 * causes, each scrubbed. It never walks into other properties: a grammY BotError carries the update's
 * context (with the API client and its token, and our dependencies with the whole configuration),
 * a MongoDB error its topology, an HTTP error its request.
 */
export function serializeError(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (value === null || value === undefined || typeof value !== 'object') {
    return { type: typeof value, message: scrubSecrets(String(value), secrets) };
  }
  const err = value as Record<string, unknown> & { name?: unknown; message?: unknown; stack?: unknown };
  const out: SerializedError = {
    type:
      typeof err.constructor === 'function' && err.constructor.name
        ? err.constructor.name
        : typeof err.name === 'string'
          ? err.name
          : 'Object',
    message: scrubSecrets(typeof err.message === 'string' ? err.message : '', secrets),
  };
  for (const field of FIELDS) {
    const v = err[field];
    if (typeof v === 'string') out[field] = scrubSecrets(v, secrets);
    else if (typeof v === 'number' || typeof v === 'boolean') out[field] = v;
  }
  if (typeof err.stack === 'string') {
    const frames = err.stack
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .slice(0, STACK_FRAMES);
    if (frames.length > 0) out.stack = scrubSecrets(frames.map((l) => l.trim()).join('\n'), secrets);
  }
  // grammY's BotError and HttpError keep what they wrap in `error`, everything else in `cause`.
  const inner = err.cause ?? (err.error instanceof Error ? err.error : undefined);
  if (inner !== undefined && inner !== value) {
    out.cause =
      depth < MAX_CAUSES
        ? (serializeError(inner, secrets, depth + 1) as SerializedError)
        : { type: 'truncated', message: '…' };
  }
  if (Array.isArray(err.errors) && depth < MAX_CAUSES) {
    out.errors = err.errors.slice(0, 3).map((e) => serializeError(e, secrets, depth + 1) as SerializedError);
  }
  return out;
}
