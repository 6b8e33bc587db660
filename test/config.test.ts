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
});
