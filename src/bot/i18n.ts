import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { Context } from 'grammy';

export const LOCALES = ['en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALES_DIR = fileURLToPath(new URL('../../locales', import.meta.url));

export type Translate = (locale: string, key: string, params?: Record<string, string | number>) => string;

export function isLocale(value: string | undefined): value is Locale {
  return value !== undefined && (LOCALES as readonly string[]).includes(value);
}

/**
 * Fluent translations from locales/<lang>/*.ftl. The locale is the admin's stored choice, else the
 * Telegram client's language when we ship it, else DEFAULT_LANGUAGE.
 */
export function createI18n<C extends Context>(
  defaultLocale: Locale,
  storedLocale?: (ctx: C) => Promise<string | undefined> | string | undefined,
): I18n<C> {
  return new I18n<C>({
    defaultLocale,
    directory: LOCALES_DIR,
    // Unicode isolation marks around placeables confuse Telegram clients' copy/paste and our tests.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: async (ctx) => {
      const stored = await storedLocale?.(ctx);
      if (isLocale(stored)) return stored;
      const client = ctx.from?.language_code?.slice(0, 2);
      return isLocale(client) ? client : defaultLocale;
    },
  });
}

/** A translate function for code that runs outside an update (dispatcher, WhatsApp role). */
export function translator<C extends Context>(i18n: I18n<C>, fallback: Locale): Translate {
  return (locale, key, params) => i18n.t(isLocale(locale) ? locale : fallback, key, params);
}
