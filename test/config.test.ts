import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const BASE = {
  BOT_TOKEN: '123456:ABCdefGHIjklMNOpqrsTUVwxyz',
  ADMIN_IDS: '1001',
  MONGODB_URI: 'mongodb://127.0.0.1:27017/mb',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('names the variable and what it expects when one is wrong', () => {
    expect(errorOf({ DEFAULT_PHONE_COUNTRY: 'Germany' })).toMatchObject({
      variable: 'DEFAULT_PHONE_COUNTRY',
      message: expect.stringContaining('two-letter country code'),
    });
    expect(errorOf({ ADMIN_IDS: '' }).variable).toBe('ADMIN_IDS');
    expect(errorOf({ RESPONSE_WINDOW_HOURS: '-1' }).variable).toBe('RESPONSE_WINDOW_HOURS');
  });

  it('reads a country code in any case, and leaves it unset by default', () => {
    expect(loadConfig({ ...BASE, DEFAULT_PHONE_COUNTRY: ' de ' }).DEFAULT_PHONE_COUNTRY).toBe('DE');
    expect(loadConfig({ ...BASE }).DEFAULT_PHONE_COUNTRY).toBeUndefined();
    expect(loadConfig({ ...BASE, DEFAULT_PHONE_COUNTRY: '' }).DEFAULT_PHONE_COUNTRY).toBeUndefined();
    expect(loadConfig({ ...BASE }).RESPONSE_WINDOW_HOURS).toBe(72);
  });

  it('webhook mode needs a secret of 32 to 256 safe characters, a PUBLIC_URL and the http role', () => {
    const webhook = { BOT_MODE: 'webhook', PUBLIC_URL: 'https://bot.example.com' };
    expect(errorOf(webhook).message).toBe(
      'WEBHOOK_SECRET is required when BOT_MODE=webhook: expected 32 to 256 characters of A-Z, a-z, 0-9, _ and - (for example the output of: openssl rand -hex 32)',
    );
    for (const bad of ['a'.repeat(31), `${'a'.repeat(31)}!`, 'a'.repeat(257)]) {
      expect(errorOf({ ...webhook, WEBHOOK_SECRET: bad }).message).toMatch(
        /^WEBHOOK_SECRET is invalid: expected 32 to 256 characters/,
      );
    }
    const secret = 'A_b-1'.repeat(8);
    expect(errorOf({ BOT_MODE: 'webhook', WEBHOOK_SECRET: secret }).variable).toBe('PUBLIC_URL');
    expect(errorOf({ ...webhook, WEBHOOK_SECRET: secret, ROLES: 'bot' }).variable).toBe('ROLES');
    expect(loadConfig({ ...BASE, ...webhook, WEBHOOK_SECRET: secret }).WEBHOOK_SECRET).toBe(secret);
    // A process without the bot role (a dispatcher sharing the .env) does not need them.
    expect(loadConfig({ ...BASE, BOT_MODE: 'webhook', ROLES: 'dispatcher' }).BOT_MODE).toBe('webhook');
  });

  it('METRICS_TOKEN, when set, follows the same rule', () => {
    expect(errorOf({ METRICS_TOKEN: 'short' }).variable).toBe('METRICS_TOKEN');
    expect(loadConfig({ ...BASE, METRICS_TOKEN: 'x'.repeat(40) }).METRICS_TOKEN).toBe('x'.repeat(40));
  });
});
