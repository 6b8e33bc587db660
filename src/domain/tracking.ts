import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { MessageButton } from './campaign.js';
import { DomainError } from './errors.js';
import type { TelegramEntity } from './message.js';

/*
 * Click tracking. Every link of a campaign message is rewritten, per recipient, to
 * `<PUBLIC_URL>/c/<token>`. The token is self-contained and signed (HMAC-SHA256, cut to 72 bits), so
 * nothing is written before a click: it names the campaign, the run, the recipient, the link's
 * position and a short hash of the link's address (which finds the link again if the message was
 * edited between two runs of a recurring campaign). A goal token (`/g/<token>`) names the campaign,
 * run and recipient only, and is signed under another label, so a click token is never a goal token.
 */

export type TokenKind = 'click' | 'goal';

export interface ClickRef {
  campaignId: number;
  run: number;
  /** the delivery's recipient key: `tg:<chatId>` or `wa:<E.164>` */
  recipient: string;
}

export interface ClickToken extends ClickRef {
  /** position of the link in the message (text links, then bare URLs, then buttons) */
  link: number;
  /** first 6 base64url characters of sha256(url) */
  hash: string;
}

const SIG_BYTES = 9;

/** Secret for signing: a configured one, or one derived from the bot token (never the token itself). */
export function trackingSecret(botToken: string, configured?: string): Buffer {
  return createHmac('sha256', configured ?? botToken)
    .update('marketing-bot/link-tracking/v1')
    .digest();
}

export function urlHash(url: string): string {
  return createHash('sha256').update(url).digest('base64url').slice(0, 6);
}

function sign(secret: Buffer, kind: TokenKind, payload: string): string {
  return createHmac('sha256', secret)
    .update(`${kind}:${payload}`)
    .digest()
    .subarray(0, SIG_BYTES)
    .toString('base64url');
}

/** `tg:-100123` → `t-2n9c`; `wa:+4915…` → `w4915…`. */
function packRecipient(recipient: string): string {
  const tg = /^tg:(-?\d+)$/.exec(recipient);
  if (tg) return `t${Number(tg[1]).toString(36)}`;
  const wa = /^wa:\+(\d+)$/.exec(recipient);
  if (wa) return `w${wa[1]}`;
  return `x${Buffer.from(recipient).toString('base64url')}`;
}

function unpackRecipient(packed: string): string | undefined {
  const body = packed.slice(1);
  if (packed[0] === 't' && /^-?[0-9a-z]+$/.test(body)) {
    const n = Number.parseInt(body, 36);
    return Number.isSafeInteger(n) ? `tg:${n}` : undefined;
  }
  if (packed[0] === 'w' && /^\d{4,16}$/.test(body)) return `wa:+${body}`;
  if (packed[0] === 'x' && /^[\w-]+$/.test(body)) return Buffer.from(body, 'base64url').toString('utf8');
  return undefined;
}

const b36 = (n: number) => n.toString(36);

function parseB36(s: string | undefined): number | undefined {
  if (s === undefined || !/^[0-9a-z]{1,11}$/.test(s)) return undefined;
  const n = Number.parseInt(s, 36);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function clickToken(secret: Buffer, t: ClickToken): string {
  const payload = [b36(t.campaignId), b36(t.run), b36(t.link), t.hash, packRecipient(t.recipient)].join('.');
  return `${payload}.${sign(secret, 'click', payload)}`;
}

export function goalToken(secret: Buffer, t: ClickRef): string {
  const payload = [b36(t.campaignId), b36(t.run), packRecipient(t.recipient)].join('.');
  return `${payload}.${sign(secret, 'goal', payload)}`;
}

function verified(secret: Buffer, kind: TokenKind, token: string): string[] | undefined {
  if (token.length > 200) return undefined;
  const cut = token.lastIndexOf('.');
  if (cut <= 0) return undefined;
  const payload = token.slice(0, cut);
  const given = Buffer.from(token.slice(cut + 1), 'base64url');
  const expected = Buffer.from(sign(secret, kind, payload), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return payload.split('.');
}

/** The token's fields, or undefined when it is malformed or its signature does not match. */
export function readClickToken(secret: Buffer, token: string): ClickToken | undefined {
  const parts = verified(secret, 'click', token);
  if (parts?.length !== 5) return undefined;
  const [c, r, l, hash, who] = parts as [string, string, string, string, string];
  const campaignId = parseB36(c);
  const run = parseB36(r);
  const link = parseB36(l);
  const recipient = unpackRecipient(who);
  if (campaignId === undefined || run === undefined || link === undefined || !recipient) return undefined;
  return { campaignId, run, link, hash, recipient };
}

export function readGoalToken(secret: Buffer, token: string): ClickRef | undefined {
  const parts = verified(secret, 'goal', token);
  if (parts?.length !== 3) return undefined;
  const [c, r, who] = parts as [string, string, string];
  const campaignId = parseB36(c);
  const run = parseB36(r);
  const recipient = unpackRecipient(who);
  if (campaignId === undefined || run === undefined || !recipient) return undefined;
  return { campaignId, run, recipient };
}

// ---------- finding and rewriting links ----------

export interface LinkedContent {
  text: string;
  entities: readonly TelegramEntity[];
  buttons?: readonly (readonly MessageButton[])[];
}

const BARE_URL = /https?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}»”’]+$/;

interface BareUrl {
  from: number;
  to: number;
  url: string;
}

/** http(s) addresses written in the text itself, outside text links (Telegram links them too). */
function bareUrls(text: string, entities: readonly TelegramEntity[]): BareUrl[] {
  const links = entities.filter((e) => e.type === 'text_link' || e.type === 'code');
  const out: BareUrl[] = [];
  for (const m of text.matchAll(BARE_URL)) {
    const url = m[0].replace(TRAILING, '');
    const from = m.index ?? 0;
    const to = from + url.length;
    if (links.some((e) => from < e.offset + e.length && to > e.offset)) continue;
    out.push({ from, to, url });
  }
  return out;
}

/** Every link of a message, in token order: text links, then bare URLs, then URL buttons (row by row). */
export function listLinks(content: LinkedContent): string[] {
  const urls: string[] = [];
  for (const e of content.entities) if (e.type === 'text_link' && e.url) urls.push(e.url);
  for (const b of bareUrls(content.text, content.entities)) urls.push(b.url);
  for (const row of content.buttons ?? []) for (const b of row) urls.push(b.url);
  return urls;
}

/**
 * The same content with every link replaced by `wrap(index, url)`. Bare URLs change the text, so
 * the entities after (or around) them are shifted by the difference in length.
 */
export function rewriteLinks<T extends LinkedContent>(
  content: T,
  wrap: (index: number, url: string) => string,
  options: { bareUrls?: boolean } = {},
): T {
  let index = 0;
  const entities = content.entities.map((e) =>
    e.type === 'text_link' && e.url ? { ...e, url: wrap(index++, e.url) } : { ...e },
  );
  const found = bareUrls(content.text, content.entities);
  // Skipped bare URLs keep their positions, so buttons are numbered the same either way.
  const bare = options.bareUrls === false ? [] : found;
  if (options.bareUrls === false) index += found.length;
  let text = content.text;
  // Right to left, so that earlier offsets stay valid while we splice.
  const replacements = bare.map((b) => ({ ...b, to_: wrap(index++, b.url) }));
  for (const r of [...replacements].reverse()) {
    const delta = r.to_.length - (r.to - r.from);
    text = text.slice(0, r.from) + r.to_ + text.slice(r.to);
    for (const e of entities) {
      if (e.offset >= r.to) e.offset += delta;
      else if (e.offset <= r.from && e.offset + e.length >= r.to) e.length += delta;
    }
  }
  const buttons = content.buttons?.map((row) => row.map((b) => ({ ...b, url: wrap(index++, b.url) })));
  return { ...content, text, entities, ...(buttons ? { buttons } : {}) };
}

/** Finds the address a click token points at in the current message: by position, else by hash. */
export function resolveLink(
  links: readonly string[],
  token: Pick<ClickToken, 'link' | 'hash'>,
): string | undefined {
  const at = links[token.link];
  if (at !== undefined && urlHash(at) === token.hash) return at;
  return links.find((u) => urlHash(u) === token.hash);
}

/** Adds the goal token to a destination so that the site can report the conversion back. */
export function withGoalParam(url: string, token: string): string {
  try {
    const u = new URL(url);
    u.searchParams.set('mb_goal', token);
    return u.toString();
  } catch {
    return url;
  }
}

/** A goal page that is not an http(s) URL. */
export class InvalidGoalUrlError extends DomainError {
  constructor(url: string) {
    super('invalid-goal-url', `Goal URL must be an http(s) address: "${url}"`, { url });
  }
}
