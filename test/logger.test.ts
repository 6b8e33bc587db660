import { randomBytes } from 'node:crypto';
import { Api, Bot, BotError } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeError } from '../src/logger.js';
import { type AppProcess, secretsOf, startApp } from './support/app-process.js';
import { BotApiEmulator } from './support/bot-api-emulator.js';
import { captureLogs } from './support/log-capture.js';
import { testMongoUri, testRedisUrl } from './support/services.js';
import { TelegramUser } from './support/telegram-user.js';

const TOKEN = `6123456789:AAF${randomBytes(24).toString('base64url').slice(0, 32)}`;
const SECRETS = {
  BOT_TOKEN: TOKEN,
  WEBHOOK_SECRET: randomBytes(32).toString('hex'),
  CLICK_SECRET: randomBytes(24).toString('hex'),
  METRICS_TOKEN: randomBytes(32).toString('hex'),
  MONGODB_URI: 'mongodb://marketing:Mongo-Pa55word@db.internal:27017/marketing_bot?replicaSet=rs0',
  REDIS_URL: 'redis://:Redis-Pa55word@cache.internal:6379',
};

/** A real grammY BotError: a handler failed with our dependencies (the whole configuration) on its context. */
async function botError(emulator: BotApiEmulator, fail: (ctx: unknown) => Promise<void>): Promise<BotError> {
  const bot = new Bot(TOKEN, { botInfo: emulator.bot(TOKEN), client: { apiRoot: emulator.apiRoot } });
  bot.use(async (ctx) => {
    Object.assign(ctx, { deps: { config: { ...SECRETS } } });
    await fail(ctx);
  });
  try {
    await bot.handleUpdate({
      update_id: 1,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 42, type: 'private', first_name: 'A' },
        from: { id: 42, is_bot: false, first_name: 'A' },
        text: 'hi',
      },
    });
  } catch (err) {
    if (err instanceof BotError) return err;
    throw err;
  }
  throw new Error('expected the update to fail');
}

describe('the error serializer (src/logger.ts)', () => {
  const emulator = new BotApiEmulator({ token: TOKEN });
  beforeAll(() => emulator.start());
  afterAll(() => emulator.stop());

  it('logs a failed update (BotError) as its type, message and cause, never its context', async () => {
    emulator.addUser({ id: 42, first_name: 'A' });
    emulator.failNext({ method: 'sendMessage', error: 'drop' });
    const err = await botError(emulator, async (ctx) => {
      await (ctx as { reply(text: string): Promise<unknown> }).reply('hello');
    });
    const logs = captureLogs('info', Object.values(SECRETS));
    logs.logger.error({ err }, 'update failed');
    const text = logs.text();
    for (const value of secretsOf(SECRETS)) expect(text).not.toContain(value);
    const logged = logs.lines[0]!.err as Record<string, unknown>;
    expect(logged.type).toBe('BotError');
    expect(Object.keys(logged).sort()).toEqual(['cause', 'message', 'stack', 'type']);
    expect(logged.cause).toMatchObject({
      type: 'HttpError',
      message: "Network request for 'sendMessage' failed!",
      cause: {
        type: 'FetchError',
        code: 'ECONNRESET',
        message: expect.stringMatching(/bot\[redacted\]\/sendMessage failed/),
      },
    });
    // Pino's own serializer walks into ctx (api, deps.config): the reason for ours.
    expect(JSON.stringify(serializeError(err))).not.toContain('config');
  });

  it('scrubs tokens and connection-string passwords from messages even without the configured secrets', () => {
    const inner = new Error(`connect to ${SECRETS.MONGODB_URI} failed`);
    const outer = new Error(`request to https://api.telegram.org/bot${TOKEN}/getMe failed`, { cause: inner });
    (outer as Error & { code: string }).code = 'E_TEST';
    const out = JSON.stringify(serializeError(outer));
    expect(out).not.toContain(TOKEN.split(':')[1]!);
    expect(out).not.toContain('Mongo-Pa55word');
    expect(out).toContain('bot<bot-token>/getMe');
    expect(out).toContain('mongodb://***@db.internal:27017');
    expect(out).toContain('"code":"E_TEST"');
    expect(serializeError(`NOAUTH for ${SECRETS.REDIS_URL}`)).toBe(
      'NOAUTH for redis://***@cache.internal:6379',
    );
  });

  it('follows causes to a limit, and takes what is not an Error (a thrown string, an object) as text only', () => {
    let err: Error = new Error('root');
    for (let i = 0; i < 10; i++) err = new Error(`level ${i}`, { cause: err });
    let depth = 0;
    for (let e = serializeError(err) as { cause?: unknown }; e.cause; e = e.cause as { cause?: unknown })
      depth++;
    expect(depth).toBe(5);
    expect(serializeError({ message: 'x', api: { token: TOKEN } })).toEqual({ type: 'Object', message: 'x' });
    expect(serializeError(42)).toEqual({ type: 'number', message: '42' });
  });

  it('a real grammY call that fails (HttpError wrapping the fetch error with the URL) is scrubbed', async () => {
    emulator.failNext({ method: 'getMe', error: 'drop' });
    const err = await new Api(TOKEN, { apiRoot: emulator.apiRoot }).getMe().catch((e: unknown) => e);
    expect(JSON.stringify(serializeError(err))).not.toContain(TOKEN.split(':')[1]!);
  });
});

describe('secrets never reach the logs of the real process', () => {
  const emulator = new BotApiEmulator({ token: TOKEN });
  const apps: AppProcess[] = [];
  const env = () => ({
    BOT_TOKEN: TOKEN,
    ADMIN_IDS: '900301',
    MONGODB_URI: testMongoUri(),
    REDIS_URL: testRedisUrl(),
    TELEGRAM_API_ROOT: emulator.apiRoot,
    TELEGRAM_AUTO_RETRY: 'false',
    HTTP_PORT: '0',
    CLICK_SECRET: SECRETS.CLICK_SECRET,
    METRICS_TOKEN: SECRETS.METRICS_TOKEN,
    WEBHOOK_SECRET: SECRETS.WEBHOOK_SECRET,
    LOG_LEVEL: 'debug',
  });
  beforeAll(() => emulator.start());
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await emulator.stop();
  });

  it('polling mode: a failing update is answered and logged without them', async () => {
    const e = { ...env(), ROLES: 'bot,http' };
    const app = startApp(e);
    apps.push(app);
    await app.waitForLog(/"msg":"started"/, 90_000);
    const admin = new TelegramUser(emulator, { id: 900_301, first_name: 'Olivia', language_code: 'en' });
    emulator.failNext({ method: 'sendMessage', chatId: 900_301, error: 'drop' });
    await admin.sendAndWait('/start', /Something went wrong on our side/, 15_000);
    await app.waitForLog(/"msg":"update failed"/);
    for (const value of secretsOf(e)) expect(app.output()).not.toContain(value);
    expect(app.output()).toMatch(/"cause":\{"type":"FetchError"/);
  }, 120_000);

  it('dispatcher: a failing Telegram call at start is logged without them', async () => {
    const e = { ...env(), ROLES: 'dispatcher' };
    emulator.failNext({ method: 'getMe', error: 'drop' });
    const app = startApp(e);
    apps.push(app);
    await app.waitForLog(/"msg":"telegram getMe failed"/, 90_000);
    await app.waitForLog(/"msg":"started"/);
    for (const value of secretsOf(e)) expect(app.output()).not.toContain(value);
  }, 120_000);
});
