import type { Redis } from 'ioredis';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { createAdminRepository } from '../db/admin.repository.js';
import { type ContactCounts, createWhatsAppRepository } from '../db/whatsapp.repository.js';
import { DomainError } from '../domain/errors.js';
import type { ServiceDeps } from './deps.js';

/**
 * The WhatsApp connection as every process sees it. The whatsapp role owns the client and writes
 * this state to Redis; the bot (possibly another process) reads it and sends commands through a
 * Redis list. Nothing here lives in process memory.
 */
export const WHATSAPP_STATES = [
  /** no whatsapp role has reported yet */
  'offline',
  'starting',
  /** waiting for a QR scan (or a pairing code) */
  'qr',
  'authenticated',
  'ready',
  'disconnected',
  'logged_out',
  'auth_failure',
  /** the client could not start (no Chromium, no network, …): `reason` says why */
  'failed',
  'stopped',
] as const;
export type WhatsAppState = (typeof WHATSAPP_STATES)[number];

export interface WhatsAppStatus {
  state: WhatsAppState;
  /** a short machine reason (`no_chromium`, `no_network`, `LOGOUT`, …) */
  reason?: string;
  /** the linked account, masked */
  account?: string;
  updatedAt: string;
}

export type WhatsAppCommand =
  | { type: 'connect'; by: number; at: number }
  | { type: 'logout'; by: number; at: number }
  | { type: 'pair'; by: number; at: number; phone: string };

/** A status older than this comes from a whatsapp role that is gone (it rewrites it every 30 s). */
export const STATUS_STALE_MS = 90_000;

/** A command older than this is dropped: the admin has moved on (or the role was down). */
export const COMMAND_TTL_MS = 2 * 60_000;

export class InvalidPhoneError extends DomainError {
  constructor(readonly input: string) {
    super('invalid-phone', `Not a valid phone number: ${input.slice(0, 30)}`, { input: input.slice(0, 30) });
  }
}

/** E.164 (`+4915112345678`) or null; a number without `+` is read as international. */
export function normalizePhone(raw: string): string | null {
  const trimmed = raw.trim().replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(trimmed.startsWith('+') ? trimmed : `+${trimmed}`);
  return parsed?.isValid() ? parsed.number : null;
}

const STOP_WORDS: Readonly<Record<string, 'en' | 'ru'>> = {
  stop: 'en',
  unsubscribe: 'en',
  стоп: 'ru',
  отписаться: 'ru',
};

/** The language of an opt-out word (`STOP`, `unsubscribe!`, `Стоп`), or null for any other text. */
export function stopWordLanguage(text: string): 'en' | 'ru' | null {
  const word = text
    .trim()
    .toLowerCase()
    .replace(/[\s.!]+$/u, '');
  return STOP_WORDS[word] ?? null;
}

/** Redis keys of the link; tests isolate themselves with their own prefix. */
export function whatsappKeys(prefix = 'mb:') {
  return { status: `${prefix}wa:status`, commands: `${prefix}wa:commands` };
}

/** The Redis side: state and commands (the bot and the whatsapp role each build one). */
export function createWhatsAppLink(redis: Redis, prefix = 'mb:') {
  const keys = whatsappKeys(prefix);
  return {
    keys,
    async status(): Promise<WhatsAppStatus> {
      const raw = await redis.get(keys.status);
      if (!raw) return { state: 'offline', updatedAt: new Date(0).toISOString() };
      try {
        const status = JSON.parse(raw) as WhatsAppStatus;
        const age = Date.now() - Date.parse(status.updatedAt);
        // A role that died without a word left its last state behind: it is offline now.
        if (status.state !== 'stopped' && age > STATUS_STALE_MS) return { ...status, state: 'offline' };
        return status;
      } catch {
        return { state: 'offline', updatedAt: new Date(0).toISOString() };
      }
    },
    async setStatus(status: Omit<WhatsAppStatus, 'updatedAt'>): Promise<void> {
      await redis.set(keys.status, JSON.stringify({ ...status, updatedAt: new Date().toISOString() }));
    },
    async send(command: WhatsAppCommand): Promise<void> {
      await redis.rpush(keys.commands, JSON.stringify(command));
    },
    /**
     * The next command, waiting up to `timeoutSeconds`. Needs a connection of its own (BLPOP
     * blocks it). Stale commands are skipped.
     */
    async next(blocking: Redis, timeoutSeconds: number, now = Date.now): Promise<WhatsAppCommand | null> {
      const r = await blocking.blpop(keys.commands, timeoutSeconds);
      if (!r) return null;
      try {
        const cmd = JSON.parse(r[1]) as WhatsAppCommand;
        return now() - cmd.at > COMMAND_TTL_MS ? null : cmd;
      } catch {
        return null;
      }
    },
  };
}

export type WhatsAppLink = ReturnType<typeof createWhatsAppLink>;

/** The database side: test numbers and the go-ahead after a test message. */
export function createWhatsAppService({ models, audience }: ServiceDeps & { audience: ContactCounts }) {
  const repo = createWhatsAppRepository(models, audience);
  const admins = createAdminRepository(models);
  return {
    normalizePhone,

    async testPhoneOf(adminId: number): Promise<string | undefined> {
      return repo.testPhoneOf(adminId);
    },

    /** Throws InvalidPhoneError for anything libphonenumber-js does not accept as a real number. */
    async setTestPhone(adminId: number, raw: string): Promise<string> {
      const phone = normalizePhone(raw);
      if (!phone) throw new InvalidPhoneError(raw);
      await admins.upsert(adminId, { testPhone: phone });
      return phone;
    },

    /** False when the button is outdated (another run, already approved, no longer waiting). */
    approveTest(campaignId: number, run: number): Promise<boolean> {
      return repo.approveTest(campaignId, run);
    },
  };
}

export type WhatsAppService = ReturnType<typeof createWhatsAppService>;
