import { hostname } from 'node:os';
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

/**
 * Every setting the process reads, in one schema. This is the only module that touches process.env:
 * everything else receives a typed Config.
 */

const ROLES = ['bot', 'dispatcher', 'whatsapp', 'http'] as const;
export type Role = (typeof ROLES)[number];

const intList = (what: string) =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      if (s === '') return [];
      const out: number[] = [];
      for (const part of s.split(',')) {
        const n = Number(part.trim());
        if (!Number.isSafeInteger(n)) {
          ctx.addIssue({ code: 'custom', message: `expected ${what}, got "${part.trim()}"` });
          return z.NEVER;
        }
        out.push(n);
      }
      return out;
    });

/** What Telegram accepts as a webhook secret_token (1–256 of these characters); we ask for 32 or more. */
const SECRET_TOKEN = /^[A-Za-z0-9_-]{32,256}$/;
const WEBHOOK_SECRET_RULE =
  'expected 32 to 256 characters of A-Z, a-z, 0-9, _ and - (for example the output of: openssl rand -hex 32)';
const METRICS_TOKEN_RULE =
  'expected 32 to 256 characters of A-Z, a-z, 0-9, _ and - (for example the output of: openssl rand -hex 32)';

const positiveNumber = (fallback: number) => z.coerce.number().positive().default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const fields = z.object({
  BOT_TOKEN: z
    .string({ error: 'is required: create a bot with @BotFather in Telegram and put its token in .env' })
    .regex(/^\d+:[\w-]{10,}$/, 'expected a token from @BotFather such as 123456789:AA…'),
  ADMIN_IDS: intList('comma-separated numeric Telegram user ids').refine((ids) => ids.length > 0, {
    message: 'expected at least one numeric Telegram user id (ask @userinfobot for yours)',
  }),
  MONGODB_URI: z
    .string({ error: 'is required (scripts/start provides a local FerretDB when it is unset)' })
    .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URI'),
  REDIS_URL: z
    .string({ error: 'is required (scripts/start provides a local Redis when it is unset)' })
    .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL'),
  TELEGRAM_API_ROOT: z.url({ error: 'expected an http(s) URL' }).default('https://api.telegram.org'),
  ROLES: z
    .string()
    .default('bot,dispatcher,http')
    .transform((s, ctx) => {
      const roles = [
        ...new Set(
          s
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean),
        ),
      ];
      const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (bad.length > 0 || roles.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a comma-separated list of ${ROLES.join(', ')}; got "${s}"`,
        });
        return z.NEVER;
      }
      return roles as Role[];
    }),
  BOT_MODE: z.enum(['polling', 'webhook']).default('polling'),
  /** Telegram sends it in X-Telegram-Bot-Api-Secret-Token with every webhook call (required in webhook mode) */
  WEBHOOK_SECRET: z.string().regex(SECRET_TOKEN, WEBHOOK_SECRET_RULE).optional(),
  /** Bearer token for /metrics; without it /metrics answers only on a loopback address (README) */
  METRICS_TOKEN: z.string().regex(SECRET_TOKEN, METRICS_TOKEN_RULE).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEFAULT_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isTimeZone, { message: 'expected an IANA time zone such as Europe/London' }),
  DEFAULT_LANGUAGE: z.enum(['en', 'ru']).default('en'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PUBLIC_URL: z.url({ error: 'expected the public https URL of the http role' }).optional(),
  /** signs click and goal tokens; derived from BOT_TOKEN when unset (set it to keep links valid across token changes) */
  CLICK_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
  TELEGRAM_GLOBAL_RATE: positiveNumber(30),
  TELEGRAM_PRIVATE_CHAT_RATE: positiveNumber(1),
  TELEGRAM_GROUP_RATE_PER_MINUTE: positiveNumber(20),
  TELEGRAM_PAID_RATE: positiveNumber(1000),
  WHATSAPP_MAX_PER_MINUTE: positiveInt(50),
  WHATSAPP_BATCH_DELAY_SECONDS: z.coerce.number().min(0).default(2),
  FAILURE_PAUSE_THRESHOLD: positiveInt(25),
  SEND_MAX_ATTEMPTS: positiveInt(5),
  LEASE_SECONDS: positiveInt(30),
  SCHEDULER_TICK_MS: positiveInt(1000),
  DISPATCHER_ID: z.string().default(`${hostname()}-${process.pid}`),
  CHROME_PATH: z.string().default('/usr/bin/chromium'),
  WHATSAPP_AUTH: z.enum(['local', 'remote']).default('local'),
  DATA_DIR: z.string().default('.data'),
  TELEGRAM_AUTO_RETRY: flag(true),
  /** a message from a recipient this long after a campaign reached them counts as its response */
  RESPONSE_WINDOW_HOURS: positiveNumber(72),
  /** contact imports read numbers without a +country prefix as this country's (ISO 3166 code) */
  DEFAULT_PHONE_COUNTRY: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isSupportedCountry, { error: 'expected a two-letter country code such as DE or US' })
    .optional(),
});

/** Settings that only make sense together: webhook mode needs its secret, its URL and the http role. */
const schema = fields.superRefine((c, ctx) => {
  if (c.BOT_MODE !== 'webhook' || !c.ROLES.includes('bot')) return;
  if (!c.WEBHOOK_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['WEBHOOK_SECRET'],
      message: `is required when BOT_MODE=webhook: ${WEBHOOK_SECRET_RULE}`,
    });
  } else if (!c.PUBLIC_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['PUBLIC_URL'],
      message: 'is required when BOT_MODE=webhook: the public https URL Telegram sends updates to',
    });
  } else if (!c.ROLES.includes('http')) {
    ctx.addIssue({
      code: 'custom',
      path: ['ROLES'],
      message: `expected the http role next to the bot role when BOT_MODE=webhook (it serves /telegram/webhook); got "${c.ROLES.join(',')}"`,
    });
  }
});

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
  ) {
    super(`${variable} ${expected}`);
    this.name = this.constructor.name;
  }
}

/** Parses the environment once. Throws a ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(schema, env);
}

const dbSchema = fields.pick({ MONGODB_URI: true, LOG_LEVEL: true });
export type DbConfig = z.output<typeof dbSchema>;

/** Only what a database script (scripts/seed-demo.ts) needs, so it runs without a bot token. */
export function loadDbConfig(env: NodeJS.ProcessEnv = process.env): DbConfig {
  return parseEnv(dbSchema, env);
}

const storageSchema = fields.pick({ MONGODB_URI: true, REDIS_URL: true, LOG_LEVEL: true });
export type StorageConfig = z.output<typeof storageSchema>;

/** MongoDB and Redis, for scripts that read both (scripts/reconcile.ts), without a bot token. */
export function loadStorageConfig(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  return parseEnv(storageSchema, env);
}

function parseEnv<S extends z.ZodType>(target: S, env: NodeJS.ProcessEnv): z.output<S> {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = target.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const raw = cleaned[variable];
  let expected = issue.message;
  if (issue.code === 'invalid_value' && 'values' in issue) {
    expected = `expected one of ${(issue.values as unknown[]).join(', ')}`;
  }
  if (raw === undefined) {
    throw new ConfigError(
      variable,
      expected.startsWith('is required') ? expected : `is required: ${expected}`,
    );
  }
  const got = / got /.test(expected) ? '' : ` (got "${mask(variable, raw)}")`;
  throw new ConfigError(variable, `is invalid: ${expected}${got}`);
}

function mask(variable: string, raw: string): string {
  if (/TOKEN|SECRET|URI|URL/.test(variable)) return raw.length > 8 ? `${raw.slice(0, 4)}…` : '…';
  return raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
}
