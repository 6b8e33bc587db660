import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, type Models } from '../../src/db/models.js';
import { type AppProcess, freePort, secretsOf, startApp } from '../support/app-process.js';
import { BotApiEmulator } from '../support/bot-api-emulator.js';
import { createTestDb, type TestDb, testMongoUri, testRedisUrl } from '../support/services.js';
import { TelegramUser } from '../support/telegram-user.js';

/** Shaped like a real token from @BotFather (digits, a colon, 35 characters). */
const TOKEN = `7355608123:AAH${randomBytes(24).toString('base64url').slice(0, 32)}`;
const OWNER = 900_201;
const STRANGER = 900_202;

/** A press as an attacker would forge it: the owner "presses" the role button for a stranger. */
function forgedRolePress(id: string) {
  return {
    callback_query: {
      id,
      from: { id: OWNER, is_bot: false, first_name: 'Olivia' },
      chat_instance: '1',
      data: `set:ar:${STRANGER}:o`,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: OWNER, type: 'private', first_name: 'Olivia' },
        text: 'Which role?',
      },
    },
  };
}

describe('BOT_MODE=webhook: the real process, with the emulator as Telegram', () => {
  const emulator = new BotApiEmulator({ token: TOKEN });
  const secret = randomBytes(32).toString('hex');
  const clickSecret = randomBytes(24).toString('hex');
  let app: AppProcess;
  let db: TestDb;
  let models: Models;
  let hook: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    await emulator.start();
    db = await createTestDb({ uri: testMongoUri() });
    models = await createModels(db.conn);
    const port = await freePort();
    hook = `http://127.0.0.1:${port}/telegram/webhook`;
    env = {
      BOT_TOKEN: TOKEN,
      ADMIN_IDS: String(OWNER),
      MONGODB_URI: db.uri,
      REDIS_URL: testRedisUrl(),
      TELEGRAM_API_ROOT: emulator.apiRoot,
      // No retries of a dropped call: the failing update below fails at once.
      TELEGRAM_AUTO_RETRY: 'false',
      ROLES: 'bot,http',
      BOT_MODE: 'webhook',
      WEBHOOK_SECRET: secret,
      PUBLIC_URL: `http://127.0.0.1:${port}/`,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      CLICK_SECRET: clickSecret,
      LOG_LEVEL: 'info',
    };
    app = startApp(env);
    await app.waitForLog(/"msg":"webhook set"/, 90_000);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await emulator.stop();
    await db?.drop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('refuses to start without a secret, or with a short one, and says the rule in one line', async () => {
    for (const secretValue of [undefined, 'short-secret']) {
      const { WEBHOOK_SECRET: _, ...rest } = env;
      const other = startApp({
        ...rest,
        HTTP_PORT: '0',
        ...(secretValue ? { WEBHOOK_SECRET: secretValue } : {}),
      });
      expect(await other.exited).toBe(2);
      const lines = other.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^configuration error: WEBHOOK_SECRET is (required when BOT_MODE=webhook|invalid)/,
      );
      expect(lines[0]).toContain('32 to 256 characters of A-Z, a-z, 0-9, _ and -');
    }
  }, 60_000);

  it('sets its webhook itself: PUBLIC_URL + /telegram/webhook, the secret, the updates polling asks for', () => {
    const params = emulator.webhooks.get(TOKEN)!;
    expect(params.url).toBe(hook);
    expect(params.secret_token).toBe(secret);
    const allowed =
      typeof params.allowed_updates === 'string'
        ? JSON.parse(params.allowed_updates)
        : params.allowed_updates;
    expect(allowed).toEqual([
      'message',
      'channel_post',
      'callback_query',
      'my_chat_member',
      'chat_member',
      'message_reaction_count',
    ]);
  });

  it('answers 401 to a call without the secret header or with a wrong one, and changes nothing', async () => {
    const wrong: Record<string, string>[] = [
      {},
      { 'x-telegram-bot-api-secret-token': 'x' },
      { 'x-telegram-bot-api-secret-token': secret.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')) },
    ];
    for (const [i, headers] of wrong.entries()) {
      const res = await post({ update_id: 9_000 + i, ...forgedRolePress(`forged-${i}`) }, headers);
      expect(res.status).toBe(401);
    }
    expect((await fetch(hook)).status).toBe(401);
    expect(emulator.callsOf('answerCallbackQuery')).toEqual([]);
    expect(await models.Admin.findById(STRANGER).lean()).toBeNull();
  });

  it('delivered by Telegram, a forged press that answers no step the owner started changes nothing', async () => {
    // A modified client can send any callback data for a message of the bot: Telegram passes it on.
    emulator.pushUpdate(forgedRolePress('forged-press'));
    const answer = await emulator.waitFor(
      () => emulator.callbackAnswers.get('forged-press'),
      10_000,
      'the answer to the forged press',
    );
    expect(answer.text).toBe(
      'This button has expired: nothing was changed. Open the screen again and press the button there.',
    );
    expect(await models.Admin.findById(STRANGER).lean()).toBeNull();
  });

  it('Telegram delivers with the secret: the owner adds an admin by pressing the buttons the bot sent', async () => {
    const owner = new TelegramUser(emulator, { id: OWNER, first_name: 'Olivia', language_code: 'en' });
    await owner.sendAndWait('/settings', /Settings/, 15_000);
    await owner.pressAndWait('➕ Add admin', /numeric Telegram user ID/, { timeoutMs: 15_000 });
    await owner.sendAndWait(`${STRANGER} Sam`, /Which role for 900202 Sam/, 15_000);
    await owner.pressAndWait('admin', /900202 is now admin/, { timeoutMs: 15_000 });
    expect(await models.Admin.findById(STRANGER).lean()).toMatchObject({ role: 'admin' });
    expect(emulator.webhookDeliveries.every((d) => d.status === 200)).toBe(true);
  });

  it('a failing update is answered with the error message and logged without any secret', async () => {
    const owner = new TelegramUser(emulator, { id: OWNER, first_name: 'Olivia', language_code: 'en' });
    emulator.failNext({ method: 'sendMessage', chatId: OWNER, error: 'drop' });
    await owner.sendAndWait('/help', /Something went wrong on our side/, 15_000);
    await app.waitForLog(/"msg":"update failed"/);
    const logs = app.output();
    for (const value of secretsOf(env)) expect(logs).not.toContain(value);
    // What is logged instead: the error, its cause, where it happened.
    const line = JSON.parse(logs.split('\n').find((l) => l.includes('"update failed"'))!) as {
      err: { type: string; message: string; cause?: { message: string } };
    };
    expect(line.err.type).toBe('HttpError');
    expect(line.err.cause?.message).toMatch(
      /request to http:\/\/127\.0\.0\.1:\d+\/bot\[redacted\]\/sendMessage failed/,
    );
  });
});
