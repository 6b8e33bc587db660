import {
  assertFeatureAvailable,
  type MediaKind,
  type Message,
  type MessageMedia,
  type Platform,
} from './campaign.js';
import {
  EmptyMessageError,
  InvalidButtonLayoutError,
  InvalidButtonTextError,
  InvalidButtonUrlError,
  MediaTooLargeError,
  MessageTooLongError,
  UnfilledPlaceholderError,
  UnsupportedMediaError,
} from './errors.js';

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

export type TelegramEntityType = 'bold' | 'italic' | 'code' | 'strikethrough' | 'text_link';

/** Offsets and lengths are in UTF-16 code units, as the Bot API counts them. */
export interface TelegramEntity {
  type: TelegramEntityType;
  offset: number;
  length: number;
  url?: string;
}

export interface FormattedText {
  text: string;
  entities: TelegramEntity[];
}

const MARKERS: Readonly<Record<string, TelegramEntityType>> = {
  '*': 'bold',
  _: 'italic',
  '~': 'strikethrough',
};
const ESCAPABLE = new Set(['\\', '*', '_', '~', '`', '[', ']', '(', ')']);
const WORD_CHAR = /[\p{L}\p{N}]/u;
const SPACE = /\s/;
const HTTP_URL = /^https?:\/\/[^\s()<>"]+$/i;

interface LinkMatch {
  textFrom: number;
  textTo: number;
  url: string;
  end: number;
}

interface CodeMatch {
  contentFrom: number;
  contentTo: number;
  end: number;
}

/**
 * Markers follow WhatsApp's rules: an opening marker is not preceded by a letter or digit and not
 * followed by a space, a closing one the reverse. That keeps `snake_case`, `2*3*4` and `5 * 3`
 * literal instead of silently turning half a message italic.
 */
class FormattingParser {
  private out = '';
  private readonly entities: TelegramEntity[] = [];

  constructor(private readonly src: string) {}

  run(): FormattedText {
    this.parse(0, this.src.length);
    return { text: this.out, entities: this.entities };
  }

  private parse(from: number, to: number): void {
    let i = from;
    while (i < to) i = this.step(i, to);
  }

  private step(i: number, to: number): number {
    const s = this.src;
    const c = s[i] as string;
    const next = s[i + 1];
    if (c === '\\' && i + 1 < to && next !== undefined && ESCAPABLE.has(next)) {
      this.out += next;
      return i + 2;
    }
    if (c === '`') {
      const code = this.matchCode(i, to);
      if (code) {
        const offset = this.out.length;
        this.out += s.slice(code.contentFrom, code.contentTo);
        this.entities.push({ type: 'code', offset, length: code.contentTo - code.contentFrom });
        return code.end;
      }
    }
    if (c === '[') {
      const link = this.matchLink(i, to);
      if (link) {
        this.wrap('text_link', link.textFrom, link.textTo, link.url);
        return link.end;
      }
    }
    const type = MARKERS[c];
    if (type !== undefined && this.canOpen(i, to)) {
      const close = this.findCloser(i, to);
      if (close !== -1) {
        this.wrap(type, i + 1, close);
        return close + 1;
      }
    }
    this.out += c;
    return i + 1;
  }

  private wrap(type: TelegramEntityType, from: number, to: number, url?: string): void {
    // Pushed before the content is parsed so that an outer entity precedes the ones inside it.
    const entity: TelegramEntity = { type, offset: this.out.length, length: 0, ...(url ? { url } : {}) };
    const index = this.entities.push(entity) - 1;
    this.parse(from, to);
    entity.length = this.out.length - entity.offset;
    if (entity.length === 0) this.entities.splice(index, 1);
  }

  private canOpen(i: number, to: number): boolean {
    const before = this.src[i - 1];
    const after = this.src[i + 1];
    return (
      i + 1 < to &&
      after !== undefined &&
      !SPACE.test(after) &&
      (before === undefined || !WORD_CHAR.test(before))
    );
  }

  private canClose(k: number, to: number): boolean {
    const before = this.src[k - 1];
    const after = k + 1 < to ? this.src[k + 1] : undefined;
    return before !== undefined && !SPACE.test(before) && (after === undefined || !WORD_CHAR.test(after));
  }

  /** The closing marker for the one at `i`, skipping escapes, code spans and links. */
  private findCloser(i: number, to: number): number {
    const s = this.src;
    const marker = s[i];
    let k = i + 1;
    while (k < to) {
      const c = s[k];
      if (c === '\\' && k + 1 < to && ESCAPABLE.has(s[k + 1] as string)) {
        k += 2;
        continue;
      }
      if (c === '`') {
        const code = this.matchCode(k, to);
        if (code) {
          k = code.end;
          continue;
        }
      }
      if (c === '[') {
        const link = this.matchLink(k, to);
        if (link) {
          k = link.end;
          continue;
        }
      }
      if (c === marker && k > i + 1 && this.canClose(k, to)) return k;
      k++;
    }
    return -1;
  }

  /** `` `code` `` or ```` ```code``` ````; the content is taken literally. */
  private matchCode(i: number, to: number): CodeMatch | null {
    const s = this.src;
    const fence = s.startsWith('```', i) ? '```' : '`';
    const close = s.indexOf(fence, i + fence.length);
    if (close === -1 || close + fence.length > to || close === i + fence.length) {
      return null;
    }
    return { contentFrom: i + fence.length, contentTo: close, end: close + fence.length };
  }

  /** `[text](http(s)://…)`; anything else (placeholders such as `[Name]`) is not a link. */
  private matchLink(i: number, to: number): LinkMatch | null {
    const s = this.src;
    let k = i + 1;
    while (k < to && s[k] !== ']') {
      if (s[k] === '[' || s[k] === '\n') return null;
      k += s[k] === '\\' && ESCAPABLE.has(s[k + 1] as string) ? 2 : 1;
    }
    if (k >= to || k === i + 1 || s[k + 1] !== '(') return null;
    const close = s.indexOf(')', k + 2);
    if (close === -1 || close >= to) return null;
    const url = s.slice(k + 2, close);
    if (!HTTP_URL.test(url)) return null;
    return { textFrom: i + 1, textTo: k, url, end: close + 1 };
  }
}

export function parseFormatting(input: string): FormattedText {
  return new FormattingParser(input).run();
}

/** What Telegram counts against its limits: the text after the markers are removed, in UTF-16 units. */
export function telegramLength(input: string): number {
  return parseFormatting(input).text.length;
}

export function escapeFormatting(value: string): string {
  return value.replace(/[\\*_~`[\]()]/g, '\\$&');
}

function renderEntities(
  { text, entities }: FormattedText,
  open: (e: TelegramEntity) => string,
  close: (e: TelegramEntity) => string,
  escapeText: (s: string) => string,
): string {
  let out = '';
  const stack: TelegramEntity[] = [];
  let next = 0;
  for (let pos = 0; pos <= text.length; pos++) {
    for (let top = stack.at(-1); top && top.offset + top.length <= pos; top = stack.at(-1)) {
      out += close(stack.pop() as TelegramEntity);
    }
    for (let e = entities[next]; e && e.offset === pos; e = entities[next]) {
      out += open(e);
      stack.push(e);
      next++;
    }
    if (pos < text.length) out += escapeText(text[pos] as string);
  }
  return out;
}

const WHATSAPP_MARK: Readonly<Record<Exclude<TelegramEntityType, 'text_link'>, string>> = {
  bold: '*',
  italic: '_',
  strikethrough: '~',
  code: '```',
};

/** WhatsApp has no links with a label, so `[text](url)` becomes `text (url)`. */
export function toWhatsApp(input: string): string {
  const parsed = parseFormatting(input);
  return renderEntities(
    parsed,
    (e) => (e.type === 'text_link' ? '' : WHATSAPP_MARK[e.type]),
    (e) => {
      if (e.type !== 'text_link') return WHATSAPP_MARK[e.type];
      return parsed.text.slice(e.offset, e.offset + e.length) === e.url ? '' : ` (${e.url})`;
    },
    (s) => s,
  );
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const HTML_TAG: Readonly<Record<Exclude<TelegramEntityType, 'text_link'>, string>> = {
  bold: 'b',
  italic: 'i',
  strikethrough: 's',
  code: 'code',
};

/** Telegram `parse_mode: 'HTML'` text; everything the admin typed is escaped. */
export function toTelegramHtml(input: string): string {
  return renderEntities(
    parseFormatting(input),
    (e) => (e.type === 'text_link' ? `<a href="${escapeHtml(e.url ?? '')}">` : `<${HTML_TAG[e.type]}>`),
    (e) => (e.type === 'text_link' ? '</a>' : `</${HTML_TAG[e.type]}>`),
    escapeHtml,
  );
}

/** `[Name]`, `[CODE]`, `[Product Name]`; `[text](url)` is a link, not a placeholder. */
const PLACEHOLDER_RE = /\[([A-Za-z][A-Za-z ]{0,30})\](?!\()/g;

/** Filled for each recipient at send time, so they may stay in a scheduled message. */
export const PER_RECIPIENT_PLACEHOLDERS: readonly string[] = ['Name', 'First name'];

function placeholderKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Distinct placeholder names, as first written, in order of appearance. */
export function findPlaceholders(text: string): string[] {
  const seen = new Map<string, string>();
  for (const match of text.matchAll(PLACEHOLDER_RE)) {
    const name = (match[1] as string).trim();
    const key = placeholderKey(name);
    if (!seen.has(key)) seen.set(key, name);
  }
  return [...seen.values()];
}

/**
 * Replaces placeholders whose name matches a key of `values` (case-insensitive); others stay.
 * Values are escaped by default because the result is parsed for formatting afterwards, and a
 * recipient called `*Bob*` must not turn bold.
 */
export function fillPlaceholders(
  text: string,
  values: Readonly<Record<string, string>>,
  options: { escape?: boolean } = {},
): string {
  const byKey = new Map(Object.entries(values).map(([k, v]) => [placeholderKey(k), v] as const));
  const shouldEscape = options.escape ?? true;
  return text.replace(PLACEHOLDER_RE, (whole, name: string) => {
    const value = byKey.get(placeholderKey(name));
    if (value === undefined) return whole;
    return shouldEscape ? escapeFormatting(value) : value;
  });
}

export function assertNoUnfilled(
  text: string,
  perRecipient: readonly string[] = PER_RECIPIENT_PLACEHOLDERS,
): void {
  const allowed = new Set(perRecipient.map(placeholderKey));
  const left = findPlaceholders(text).filter((p) => !allowed.has(placeholderKey(p)));
  if (left.length > 0) throw new UnfilledPlaceholderError(left);
}

export const MB = 1024 * 1024;

const MEDIA_MIMES: Readonly<Record<MediaKind, readonly string[]>> = {
  photo: ['image/jpeg', 'image/png', 'image/gif'],
  video: ['video/mp4'],
  document: [
    'application/pdf',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ],
};

export const MEDIA_LIMITS: Readonly<Record<Platform, Readonly<Record<MediaKind, number>>>> = {
  telegram: { photo: 10 * MB, video: 16 * MB, document: 50 * MB },
  whatsapp: { photo: 10 * MB, video: 16 * MB, document: 100 * MB },
};

const MIME_ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
};

export function normalizeMime(mime: string): string {
  const base = (mime.split(';')[0] ?? '').trim().toLowerCase();
  return MIME_ALIASES[base] ?? base;
}

export function mediaKindFor(mime: string): MediaKind | null {
  const normalized = normalizeMime(mime);
  for (const [kind, mimes] of Object.entries(MEDIA_MIMES) as [MediaKind, readonly string[]][]) {
    if (mimes.includes(normalized)) return kind;
  }
  return null;
}

export function validateMedia(media: MessageMedia, platform: Platform): void {
  const kind = mediaKindFor(media.mime);
  if (kind === null || kind !== media.kind) throw new UnsupportedMediaError(media.mime);
  const limit = MEDIA_LIMITS[platform][kind];
  if (!Number.isFinite(media.size) || media.size < 0 || media.size > limit) {
    throw new MediaTooLargeError(media.size, limit);
  }
}

/** `1.2 MB`, as the seed lists attachments. */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / MB).toFixed(1)} MB`;
}

export const BUTTON_ROWS_LIMIT = 8;
export const BUTTONS_PER_ROW_LIMIT = 3;
export const BUTTON_TEXT_LIMIT = 64;

function isHttpUrl(url: string): boolean {
  if (!HTTP_URL.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

export function validateButtons(buttons: Message['buttons'], platform: Platform): void {
  if (buttons === undefined || buttons.length === 0) return;
  assertFeatureAvailable('buttons', platform);
  if (buttons.length > BUTTON_ROWS_LIMIT) {
    throw new InvalidButtonLayoutError(BUTTON_ROWS_LIMIT, BUTTONS_PER_ROW_LIMIT);
  }
  buttons.forEach((row, r) => {
    if (row.length === 0 || row.length > BUTTONS_PER_ROW_LIMIT) {
      throw new InvalidButtonLayoutError(BUTTON_ROWS_LIMIT, BUTTONS_PER_ROW_LIMIT);
    }
    row.forEach((button, c) => {
      const length = Array.from(button.text.trim()).length;
      if (length === 0 || length > BUTTON_TEXT_LIMIT) {
        throw new InvalidButtonTextError(r + 1, c + 1, BUTTON_TEXT_LIMIT);
      }
      if (!isHttpUrl(button.url)) throw new InvalidButtonUrlError(button.url);
    });
  });
}

/** A caption (text sent with media) has a lower limit than a text message. */
export function textLimit(message: Pick<Message, 'media'>): number {
  return message.media ? CAPTION_LIMIT : TEXT_LIMIT;
}

/**
 * The same count on both platforms (markers excluded, UTF-16 units), so the "n / 4,096" counter in
 * the wizard means one thing. A media-only message (empty caption) is allowed.
 */
export function validateMessage(message: Message, platform: Platform): void {
  const { text } = parseFormatting(message.text);
  if (text.trim() === '' && !message.media) throw new EmptyMessageError();
  const length = text.length;
  const limit = textLimit(message);
  if (length > limit) throw new MessageTooLongError(length, limit);
  if (message.media) validateMedia(message.media, platform);
  validateButtons(message.buttons, platform);
}
