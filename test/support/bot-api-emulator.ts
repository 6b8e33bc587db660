import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  CallbackQuery,
  Chat,
  ChatMember,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  ResponseParameters,
  Update,
  User,
  UserFromGetMe,
} from 'grammy/types';

export const DEFAULT_TOKEN = '1000001:TEST-emulator-token';

export type ChatType = Chat['type'];
export type MemberStatus = ChatMember['status'];
type Params = Record<string, unknown>;

export interface ChatInit {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
  memberCount?: number;
  /** Default: 'member' for groups, 'administrator' for channels. */
  botStatus?: MemberStatus;
  /** Overrides of the bot's administrator rights, e.g. `{ can_pin_messages: false }`. */
  botRights?: Record<string, boolean>;
  members?: Record<number, MemberStatus>;
}

export type UserInit = {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
};

export type ApiResponse =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

export type UploadedFile = { field: string; fileName: string; mime: string; size: number; content: Buffer };

export interface ApiCall {
  method: string;
  token: string;
  /** `client` of an apiRoot from `apiRootFor(client)`: which process made the call */
  client?: string;
  params: Params;
  files: UploadedFile[];
  chatId?: number;
  /** Arrival time (ms since epoch); the call is recorded when it is answered. */
  at: number;
  durationMs: number;
  response: ApiResponse;
  injected?: boolean;
  dropped?: boolean;
}

export type FaultError =
  | 'blocked'
  | 'kicked'
  | 'deactivated'
  | 'chat_not_found'
  | 'server_error'
  | 'drop'
  | { retryAfter: number }
  | { migrateToChatId: number }
  | { errorCode: number; description: string; parameters?: ResponseParameters };

/** `method` omitted: any method except getUpdates. */
export type FaultSpec = { method?: string; chatId?: number | string; times?: number; error: FaultError };
export type FaultRateSpec = { method: string; rate: number; error: FaultError; chatId?: number | string };

/**
 * Telegram's flood limits, enforced on sendMessage/sendPhoto/… when enabled: more than `global`
 * messages in any sliding second (`paid` for allow_paid_broadcast ones), more than
 * `privatePerSecond` to one private chat in a second, or `groupPerMinute` to one group or channel in
 * a minute, is answered 429 with retry_after. Counted at arrival; refused calls do not count.
 */
export interface RateLimitRules {
  global?: number;
  paid?: number;
  privatePerSecond?: number;
  groupPerMinute?: number;
}

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  file_name: string;
  mime_type: string;
  size: number;
  content: Buffer;
}

export interface BotMessageEvent {
  seq: number;
  kind: 'sent' | 'edited' | 'deleted';
  chatId: number;
  messageId: number;
  message: Message;
  method: string;
}

export interface ChatSnapshot {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  botStatus: MemberStatus;
  blocked?: 'blocked' | 'deactivated';
  migratedTo?: number;
  memberCount?: number;
  pinned: number[];
}

type StoredMessage = { message: Message; fromBot: boolean; deleted: boolean };
type Ctx = {
  token: string;
  bot: UserFromGetMe;
  params: Params;
  files: Map<string, UploadedFile>;
  method: string;
};
type Waiter = { token: string; wake(): void; stop(): void };
type Formatted = { text: string; entities?: MessageEntity[] };

interface ChatState extends ChatSnapshot {
  first_name?: string;
  last_name?: string;
  botRights?: Record<string, boolean>;
  members: Map<number, MemberStatus>;
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  replyKeyboard?: string[][];
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }
  toResponse(): ApiResponse {
    const { code: error_code, description, parameters } = this;
    return { ok: false, error_code, description, ...(parameters ? { parameters } : {}) };
  }
}

const bad = (d: string) => new ApiError(400, `Bad Request: ${d}`);
const migrated = (to: number) =>
  new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: to });
const NOT_FOUND: ApiResponse = { ok: false, error_code: 404, description: 'Not Found' };
const TOKEN_RE = /^\d+:[\w-]+$/;
const words = (s: string) => new Set(s.split(' '));
const pairs = (s: string) => Object.fromEntries(s.split(' ').map((p) => p.split('=') as [string, string]));
const SEND_METHODS = words('sendMessage sendPhoto sendVideo sendDocument copyMessage forwardMessage');
const NUMERIC_KEYS = words(
  'chat_id from_chat_id message_id user_id offset limit timeout reply_to_message_id message_thread_id cache_time',
);
const TEXT_KEYS = words('text caption title description short_description name data');
const BUTTON_ACTIONS = words(
  'url callback_data web_app login_url switch_inline_query switch_inline_query_current_chat ' +
    'switch_inline_query_chosen_chat copy_text callback_game pay',
);
const MIME = pairs(
  'pdf=application/pdf csv=text/csv txt=text/plain json=application/json png=image/png jpg=image/jpeg ' +
    'jpeg=image/jpeg gif=image/gif mp4=video/mp4 zip=application/zip vcf=text/vcard',
);
const HTML_TAGS = pairs(
  'b=bold strong=bold i=italic em=italic u=underline ins=underline s=strikethrough strike=strikethrough ' +
    'del=strikethrough tg-spoiler=spoiler span=spoiler a=text_link code=code pre=pre blockquote=blockquote',
);
const ADMIN_RIGHTS =
  'can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members can_change_info ' +
  'can_invite_users can_pin_messages';

const nowSec = () => Math.floor(Date.now() / 1000);
const clone = <T>(v: T): T => structuredClone(v);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const extOf = (name: string) => /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const compact = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const entity = (type: string, offset: number, end: number, extra: Params = {}) =>
  ({ type, offset, length: end - offset, ...extra }) as unknown as MessageEntity;
const byEntityOrder = (a: MessageEntity, b: MessageEntity) => a.offset - b.offset || b.length - a.length;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------- formatting: parse_mode HTML / MarkdownV2 / Markdown, limits, inline keyboards ----------

function decodeHtml(s: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
  return s.replace(/&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot);/gi, (_, e: string) => {
    const k = e.toLowerCase();
    if (named[k]) return named[k];
    return String.fromCodePoint(k.startsWith('#x') ? Number.parseInt(k.slice(2), 16) : Number(k.slice(1)));
  });
}

function parseHtml(src: string): Formatted {
  const fail = (m: string) => bad(`can't parse entities: ${m}`);
  const at = (k: number) => `byte offset ${Buffer.byteLength(src.slice(0, k))}`;
  const stack: { tag: string; type: string; start: number; attrs: Record<string, string> }[] = [];
  const entities: MessageEntity[] = [];
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch !== '<') {
      const esc = ch === '&' ? /^&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot);/i.exec(src.slice(i, i + 12)) : null;
      out += esc ? decodeHtml(esc[0]) : ch;
      i += esc ? esc[0].length : 1;
      continue;
    }
    const close = src.indexOf('>', i);
    if (close === -1) throw fail(`Unclosed start tag at ${at(i)}`);
    const inner = src.slice(i + 1, close);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const top = stack.pop();
      if (!top) throw fail(`Unexpected end tag at ${at(i)}`);
      if (top.tag !== name)
        throw fail(`Unmatched end tag at ${at(i)}, expected "</${top.tag}>", found "</${name}>"`);
      const parent = stack.at(-1);
      const lang = /^language-(.+)$/.exec(top.attrs.class ?? '')?.[1];
      if (top.type === 'code' && parent?.type === 'pre') {
        if (lang) parent.attrs.language = lang;
      } else if (out.length > top.start && top.type !== 'none') {
        const extra: Params = {};
        if (top.type === 'text_link') extra.url = top.attrs.href;
        if (top.type === 'pre' && top.attrs.language) extra.language = top.attrs.language;
        const type =
          top.type === 'blockquote' && 'expandable' in top.attrs ? 'expandable_blockquote' : top.type;
        entities.push(entity(type, top.start, out.length, extra));
      }
    } else {
      const m = /^([a-zA-Z][\w-]*)([\s\S]*?)\/?$/.exec(inner);
      const name = m?.[1]?.toLowerCase() ?? inner.split(/\s/)[0] ?? '';
      const type = HTML_TAGS[name];
      if (!m || !type) throw fail(`Unsupported start tag "${name}" at ${at(i)}`);
      const attrs: Record<string, string> = {};
      for (const a of (m[2] ?? '').matchAll(/([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?/g))
        attrs[a[1]!.toLowerCase()] = decodeHtml(a[2] ?? a[3] ?? a[4] ?? '');
      if (name === 'span' && attrs.class !== 'tg-spoiler')
        throw fail(`Tag "span" must have class "tg-spoiler" at ${at(i)}`);
      stack.push({ tag: name, type: name === 'a' && !attrs.href ? 'none' : type, start: out.length, attrs });
    }
    i = close + 1;
  }
  const open = stack.at(-1);
  if (open) throw fail(`Can't find end tag corresponding to start tag "${open.tag}"`);
  return { text: out, entities: entities.sort(byEntityOrder) };
}

function parseMarkdown(src: string, v2: boolean): Formatted {
  const fail = (m: string) => bad(`can't parse entities: ${m}`);
  const at = (k: number) => `byte offset ${Buffer.byteLength(src.slice(0, k))}`;
  const names: Record<string, string> = { text_link: 'TextUrl', code: 'Code', pre: 'Pre' };
  const unclosed = (type: string, k: number) => {
    const name = names[type] ?? type[0]!.toUpperCase() + type.slice(1);
    return fail(
      v2
        ? `Can't find end of ${name} entity at ${at(k)}`
        : `Can't find end of the entity starting at ${at(k)}`,
    );
  };
  const entities: MessageEntity[] = [];
  const open: { type: string; start: number; at: number }[] = [];
  let out = '';
  const toggle = (type: string, k: number) => {
    const idx = open.findLastIndex((o) => o.type === type);
    if (idx === -1) open.push({ type, start: out.length, at: k });
    const o = idx === -1 ? undefined : open.splice(idx, 1)[0];
    if (o && out.length > o.start) entities.push(entity(type, o.start, out.length));
  };
  const readUntil = (from: number, end: string, type: string): [string, number] => {
    let s = '';
    for (let j = from; j < src.length; j++) {
      if (src[j] === '\\' && v2 && j + 1 < src.length) s += src[++j];
      else if (src.startsWith(end, j)) return [s, j + end.length];
      else s += src[j];
    }
    throw unclosed(type, from - end.length);
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    const next = src[i + 1];
    if (ch === '\\' && next !== undefined && (v2 || '_*`['.includes(next))) {
      out += next;
      i += 2;
    } else if (ch === '`') {
      const pre = src.startsWith('```', i);
      const [body, after] = readUntil(i + (pre ? 3 : 1), pre ? '```' : '`', pre ? 'pre' : 'code');
      const nl = body.indexOf('\n');
      const lang = pre && nl > 0 && !/\s/.test(body.slice(0, nl)) ? body.slice(0, nl) : undefined;
      const start = out.length;
      out += pre && nl >= 0 && (lang !== undefined || nl === 0) ? body.slice(nl + 1) : body;
      if (out.length > start)
        entities.push(entity(pre ? 'pre' : 'code', start, out.length, lang ? { language: lang } : {}));
      i = after;
    } else if (ch === '*' || ch === '_' || (v2 && ch === '~') || (v2 && ch === '|' && next === '|')) {
      const double = v2 && (ch === '|' || (ch === '_' && next === '_'));
      const types: Record<string, string> = {
        _: double ? 'underline' : 'italic',
        '~': 'strikethrough',
        '|': 'spoiler',
      };
      toggle(types[ch] ?? 'bold', i);
      i += double ? 2 : 1;
    } else if (ch === '[') {
      open.push({ type: 'text_link', start: out.length, at: i++ });
    } else if (ch === ']' && open.some((o) => o.type === 'text_link')) {
      const o = open.splice(
        open.findLastIndex((x) => x.type === 'text_link'),
        1,
      )[0]!;
      if (next !== '(') throw fail(`Character ']' is reserved and must be escaped with the preceding '\\'`);
      const [url, after] = readUntil(i + 2, ')', 'text_link');
      if (out.length > o.start) entities.push(entity('text_link', o.start, out.length, { url }));
      i = after;
    } else if (v2 && '_*[]()~`>#+-=|{}.!'.includes(ch)) {
      throw fail(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    } else {
      out += ch;
      i++;
    }
  }
  const o = open[0];
  if (o) throw unclosed(o.type, o.at);
  return { text: out, entities: entities.sort(byEntityOrder) };
}

function formatText(
  raw: unknown,
  parseMode: unknown,
  rawEntities: unknown,
  kind: 'text' | 'caption',
): Formatted {
  const src = raw === undefined || raw === null ? '' : String(raw);
  const mode = typeof parseMode === 'string' ? parseMode.toLowerCase() : '';
  let f: Formatted = {
    text: src,
    entities: Array.isArray(rawEntities) ? (rawEntities as MessageEntity[]) : [],
  };
  if (mode === 'html') f = parseHtml(src);
  else if (mode === 'markdownv2' || mode === 'markdown') f = parseMarkdown(src, mode === 'markdownv2');
  else if (mode) throw bad('unsupported parse_mode');
  if (kind === 'text' && !f.text.trim()) throw bad('message text is empty');
  if (kind === 'text' && f.text.length > 4096) throw bad('message is too long');
  if (kind === 'caption' && f.text.length > 1024) throw bad('message caption is too long');
  return { text: f.text, entities: f.entities?.length ? f.entities : undefined };
}

function inlineMarkup(raw: unknown): InlineKeyboardMarkup | undefined {
  if (!raw || typeof raw !== 'object' || !('inline_keyboard' in raw)) return undefined;
  const rows = (raw as { inline_keyboard: unknown }).inline_keyboard;
  if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r)))
    throw bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  const buttons = (rows as Params[][]).flat();
  if (buttons.length > 100) throw bad('reply markup is too long');
  for (const b of buttons) {
    if (typeof b?.text !== 'string')
      throw bad('can\'t parse inline keyboard button: Field "text" must be of type String');
    if (!Object.keys(b).some((k) => BUTTON_ACTIONS.has(k)))
      throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    const data = 'callback_data' in b ? Buffer.byteLength(String(b.callback_data ?? '')) : 1;
    if (data < 1 || data > 64) throw bad('BUTTON_DATA_INVALID');
    if ('url' in b && !/^(https?|tg):\/\/\S+$/i.test(String(b.url))) throw bad('BUTTON_URL_INVALID');
  }
  const nonEmpty = (rows as InlineKeyboardButton[][]).filter((r) => r.length > 0);
  return nonEmpty.length ? { inline_keyboard: nonEmpty } : undefined;
}

// ---------- request parsing: JSON, urlencoded, multipart/form-data ----------

function normalize(key: string, value: string): unknown {
  if (!TEXT_KEYS.has(key) && /^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (NUMERIC_KEYS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (!TEXT_KEYS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function parseMultipart(
  body: Buffer,
  boundary: string,
): { fields: [string, string][]; files: UploadedFile[] } {
  const delim = Buffer.from(`--${boundary}`);
  const fields: [string, string][] = [];
  const files: UploadedFile[] = [];
  for (let pos = body.indexOf(delim); pos !== -1; ) {
    let start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delim, start);
    if (next === -1) break;
    const part = body.subarray(start, body.subarray(next - 2, next).toString() === '\r\n' ? next - 2 : next);
    pos = next;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) continue;
    const headers = new Map<string, string>();
    for (const line of part.subarray(0, headerEnd).toString('utf8').split('\r\n')) {
      const c = line.indexOf(':');
      if (c > 0) headers.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
    }
    // grammY writes `content-disposition:form-data;name="x";filename=name.ext` (filename unquoted)
    const disp = headers.get('content-disposition') ?? '';
    const attr = (n: string) => {
      const m = new RegExp(`(?:^|;)\\s*${n}=(?:"([^"]*)"|([^;]*))`, 'i').exec(disp);
      return m ? (m[1] ?? m[2] ?? '').trim() : undefined;
    };
    const field = attr('name') ?? '';
    const fileName = attr('filename');
    const content = Buffer.from(part.subarray(headerEnd + 4));
    if (fileName === undefined) fields.push([field, content.toString('utf8')]);
    else {
      const mime = headers.get('content-type') ?? 'application/octet-stream';
      files.push({ field, fileName, mime, size: content.length, content });
    }
  }
  return { fields, files };
}

function parseRequest(body: Buffer, contentType: string | undefined, query: URLSearchParams) {
  const params: Params = {};
  const files = new Map<string, UploadedFile>();
  for (const [k, v] of query) params[k] = normalize(k, v);
  const ct = (contentType ?? '').toLowerCase();
  if (ct.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    if (!boundary) throw bad('invalid multipart boundary');
    const parsed = parseMultipart(body, (boundary[1] ?? boundary[2] ?? '').trim());
    for (const [k, v] of parsed.fields) params[k] = normalize(k, v);
    for (const f of parsed.files) files.set(f.field, f);
  } else if (ct.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = normalize(k, v);
  } else if (body.length > 0) {
    const json = JSON.parse(body.toString('utf8')) as unknown;
    if (json && typeof json === 'object') Object.assign(params, json);
  }
  return { params, files };
}

function writeJson(res: ServerResponse, response: ApiResponse): void {
  if (res.destroyed || res.headersSent) return;
  const body = JSON.stringify(response);
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  res.writeHead(response.ok ? 200 : response.error_code, headers).end(body);
}

/**
 * Telegram Bot API over real HTTP for tests: bots reach it via `client.apiRoot`. Records every call,
 * keeps chats/messages/files state, enforces real limits and error texts, and injects faults on demand.
 */
export class BotApiEmulator {
  readonly token: string;
  readonly calls: ApiCall[] = [];
  /** Every message the bot sent, edited or deleted, in order (TelegramUser.waitForReply reads this). */
  readonly events: BotMessageEvent[] = [];
  readonly callbackAnswers = new Map<string, Params>();
  readonly webhooks = new Map<string, Params>();
  /** Updates delivered to a bot's webhook (setWebhook), as Telegram would: in order, with its secret header. */
  readonly webhookDeliveries: { token: string; updateId: number; status: number | 'failed' }[] = [];
  private readonly webhookChains = new Map<string, Promise<void>>();
  readonly menuButtons = new Map<string, unknown>();
  private server?: Server;
  private port = 0;
  private stopping = false;
  private readonly bots = new Map<string, UserFromGetMe>();
  private readonly chats = new Map<number, ChatState>();
  private readonly users = new Map<number, User>();
  private readonly queues = new Map<string, Update[]>();
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<() => void>();
  private readonly files = new Map<string, StoredFile>();
  private readonly filesByPath = new Map<string, StoredFile>();
  private readonly commands = new Map<string, unknown[]>();
  private readonly openQueries = new Set<string>();
  private faults: (FaultSpec & { times: number })[] = [];
  private rates: FaultRateSpec[] = [];
  private readonly latency = new Map<string, number>();
  private rateRules: Required<RateLimitRules> | undefined;
  private readonly sendTimes: { free: number[]; paid: number[]; chats: Map<number, number[]> } = {
    free: [],
    paid: [],
    chats: new Map(),
  };
  /** 429s the emulator answered because of enforceRateLimits (not injected faults). */
  readonly rateLimitHits = { global: 0, chat: 0 };
  private random: () => number;
  private seq = 0;
  private nextUpdateId = 100_000;
  private nextFile = 1;
  private nextQuery = 1;
  private readonly startedAt = Date.now();

  constructor(opts: { token?: string; username?: string; firstName?: string; seed?: number } = {}) {
    this.token = opts.token ?? DEFAULT_TOKEN;
    this.random = mulberry32(opts.seed ?? 1);
    this.addBot({ token: this.token, username: opts.username, first_name: opts.firstName });
  }

  get apiRoot(): string {
    if (!this.server) throw new Error('BotApiEmulator is not started');
    return `http://127.0.0.1:${this.port}`;
  }

  /** The same API, with every call through it recorded as made by `client` (one per process). */
  apiRootFor(client: string): string {
    return `${this.apiRoot}/c-${client}`;
  }

  /** Sequence number of the latest bot message event. */
  get eventSeq(): number {
    return this.seq;
  }

  async start(): Promise<void> {
    if (this.server) return;
    this.stopping = false;
    const server = createServer((req, res) => {
      this.onRequest(req, res).catch((err: unknown) =>
        writeJson(res, { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` }),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.stopping = true;
    for (const w of [...this.waiters]) w.stop();
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 20).unref();
    await closed;
  }

  // ---------- registry ----------

  addBot(opts: { token: string; username?: string; first_name?: string }): UserFromGetMe {
    const bot = {
      id: Number(/^(\d+):/.exec(opts.token)?.[1] ?? 0),
      is_bot: true,
      first_name: opts.first_name ?? 'Test Bot',
      username: opts.username ?? 'test_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    } as UserFromGetMe;
    this.bots.set(opts.token, bot);
    return bot;
  }

  bot(token = this.token): UserFromGetMe {
    return this.bots.get(token) ?? this.addBot({ token });
  }

  /** Registers a user and the private chat with the bot (as if they had opened it). */
  addUser(user: UserInit): User {
    const u: User = compact({ is_bot: false, ...user });
    this.users.set(u.id, u);
    this.addChat({ ...user, type: 'private' });
    return u;
  }

  user(id: number): User | undefined {
    return this.users.get(id);
  }

  addChat(init: ChatInit): ChatSnapshot {
    const chat: ChatState = this.chats.get(init.id) ?? {
      id: init.id,
      type: init.type,
      botStatus: init.type === 'channel' ? 'administrator' : 'member',
      members: new Map(),
      nextMessageId: 1,
      messages: new Map(),
      pinned: [],
    };
    const { members, ...rest } = init;
    Object.assign(chat, compact(rest));
    if (init.type !== 'private') chat.title ??= `Chat ${init.id}`;
    for (const [uid, status] of Object.entries(members ?? {})) chat.members.set(Number(uid), status);
    this.chats.set(chat.id, chat);
    return this.snapshot(chat);
  }

  chat(id: number): ChatSnapshot | undefined {
    const c = this.chats.get(id);
    return c && this.snapshot(c);
  }

  /** The Telegram `Chat` object of a registered chat. */
  telegramChat(id: number): Chat {
    return this.chatObject(this.state(id));
  }

  setMember(chatId: number, userId: number, status: MemberStatus): void {
    this.state(chatId).members.set(userId, status);
  }

  memberStatus(chatId: number, userId: number): MemberStatus | undefined {
    return this.chats.get(chatId)?.members.get(userId);
  }

  /** Private chat state: 'blocked' (user blocked the bot), 'deactivated', or undefined. */
  setBlocked(userId: number, blocked: 'blocked' | 'deactivated' | undefined): void {
    this.state(userId).blocked = blocked;
  }

  // ---------- faults, latency ----------

  failNext(spec: FaultSpec): void {
    this.faults.push({ ...spec, times: spec.times ?? 1 });
  }

  /** Fails `rate` (0..1) of the calls to `method`, decided by a seeded PRNG; rate 0 removes the rule. */
  setFaultRate(spec: FaultRateSpec): void {
    this.rates = this.rates.filter((r) => !(r.method === spec.method && r.chatId === spec.chatId));
    if (spec.rate > 0) this.rates.push(spec);
  }

  setSeed(seed: number): void {
    this.random = mulberry32(seed);
  }

  /** Delay before answering every call, or calls to one method. */
  setLatency(ms: number, method?: string): void {
    this.latency.set(method ?? '*', ms);
  }

  /** Answers 429 like Telegram when the limits are exceeded (defaults: 30/s, 1000/s paid, 1/s, 20/min); false turns it off. */
  enforceRateLimits(rules: RateLimitRules | false = {}): void {
    this.rateRules =
      rules === false
        ? undefined
        : { global: 30, paid: 1000, privatePerSecond: 1, groupPerMinute: 20, ...rules };
    this.sendTimes.free.length = 0;
    this.sendTimes.paid.length = 0;
    this.sendTimes.chats.clear();
  }

  clearFaults(): void {
    this.faults = [];
    this.rates = [];
  }

  /** Clears calls, events, callback answers, faults and latency; chats, messages and files stay. */
  reset(): void {
    this.calls.length = 0;
    this.events.length = 0;
    this.callbackAnswers.clear();
    this.clearFaults();
    this.latency.clear();
  }

  // ---------- updates ----------

  pushUpdate(partial: Omit<Update, 'update_id'> | Params, token = this.token): Update {
    const update = { update_id: this.nextUpdateId++, ...clone(partial) } as Update;
    this.absorb(update);
    const hook = this.webhooks.get(token);
    if (typeof hook?.url === 'string') {
      this.deliver(token, hook, update);
      return update;
    }
    this.queueOf(token).push(update);
    for (const w of [...this.waiters]) if (w.token === token) w.wake();
    this.notify();
    return update;
  }

  /** A user message (a channel post when `from` is undefined in a channel): stored with the next id, delivered. */
  incomingMessage(chatId: number, from: User | undefined, fields: Params, token = this.token): Message {
    const chat = this.state(chatId);
    if (from && (chat.type === 'group' || chat.type === 'supergroup') && !chat.members.has(from.id))
      chat.members.set(from.id, 'member');
    const author = from ? { from } : { sender_chat: this.chatObject(chat) };
    const message = this.storeMessage(chat, { ...author, ...fields }, false);
    this.pushUpdate(chat.type === 'channel' ? { channel_post: message } : { message }, token);
    return clone(message);
  }

  /** A callback_query on a message (no button lookup: forged or replayed data allowed). */
  callbackQuery(
    chatId: number,
    from: User,
    data: string,
    messageId: number,
    token = this.token,
  ): CallbackQuery {
    const stored = this.state(chatId).messages.get(messageId);
    if (!stored || stored.deleted) throw new Error(`message ${messageId} not found in chat ${chatId}`);
    const id = `${this.startedAt}${this.nextQuery++}`;
    const query = {
      id,
      from,
      message: clone(stored.message),
      chat_instance: String(chatId),
      data,
    } as CallbackQuery;
    this.pushUpdate({ callback_query: query }, token);
    return query;
  }

  /** Sets the bot's status in a chat and pushes the my_chat_member update (private: 'kicked' = blocked). */
  setBotMembership(chatId: number, status: MemberStatus, by?: User, token = this.token): Update {
    const chat = this.state(chatId);
    const bot = this.publicBot(this.bot(token));
    const old = chat.type === 'private' ? (chat.blocked ? 'kicked' : 'member') : chat.botStatus;
    if (chat.type === 'private') chat.blocked = status === 'kicked' ? 'blocked' : undefined;
    else chat.botStatus = status;
    const from = by ?? this.users.get(chatId) ?? { id: 777000, is_bot: false, first_name: 'Telegram' };
    const my_chat_member = {
      chat: this.chatObject(chat),
      from,
      date: nowSec(),
      old_chat_member: this.member(chat, bot, old),
      new_chat_member: this.member(chat, bot, status),
    };
    return this.pushUpdate({ my_chat_member }, token);
  }

  botAddedTo(chat: ChatInit, by: User, status?: MemberStatus): Update {
    if (!this.chats.has(chat.id)) this.addChat({ ...chat, botStatus: 'left' });
    if (chat.type !== 'channel')
      this.setMember(chat.id, by.id, this.memberStatus(chat.id, by.id) ?? 'creator');
    return this.setBotMembership(
      chat.id,
      status ?? (chat.type === 'channel' ? 'administrator' : 'member'),
      by,
    );
  }

  botRemovedFrom(chatId: number, by: User, status: 'kicked' | 'left' = 'kicked'): Update {
    return this.setBotMembership(chatId, status, by);
  }

  /** Group → supergroup: both service messages are pushed; later sends to the old id get migrate_to_chat_id. */
  migrateChat(oldId: number, newId = Number(`-100${Math.abs(oldId)}`), by?: User): number {
    const old = this.state(oldId);
    const { title, memberCount, botStatus } = old;
    this.addChat({ id: newId, type: 'supergroup', title, memberCount, botStatus });
    for (const [u, s] of old.members) this.setMember(newId, u, s);
    const from = by ??
      [...old.members.keys()].map((id) => this.users.get(id)).find((u) => u) ?? {
        id: 1087968824,
        is_bot: true,
        first_name: 'Group',
        username: 'GroupAnonymousBot',
      };
    this.incomingMessage(oldId, from, { migrate_to_chat_id: newId });
    old.migratedTo = newId;
    this.incomingMessage(newId, from, { migrate_from_chat_id: oldId });
    return newId;
  }

  /** Updates not yet confirmed through `offset`. */
  pendingUpdates(token = this.token): Update[] {
    return clone(this.queueOf(token));
  }

  pendingPolls(token = this.token): number {
    return [...this.waiters].filter((w) => w.token === token).length;
  }

  /** Resolves once a long poll is waiting, i.e. the bot is up and idle. */
  waitForPolling(token = this.token, timeoutMs = 5000): Promise<true> {
    return this.waitFor(() => this.pendingPolls(token) > 0, timeoutMs, 'waitForPolling');
  }

  // ---------- files ----------

  storeFile(kind: string, fileName: string, mime: string | undefined, content: Buffer | string): StoredFile {
    const n = this.nextFile++;
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const ext = extOf(fileName) || (kind === 'photo' ? 'jpg' : kind === 'video' ? 'mp4' : 'dat');
    const file: StoredFile = {
      file_id: `EMU${kind.toUpperCase()}_${n}_${Buffer.from(fileName).toString('base64url').slice(0, 16)}`,
      file_unique_id: `AgAD${n}`,
      file_path: `${kind}s/file_${n}.${ext}`,
      file_name: fileName,
      mime_type:
        mime && mime !== 'application/octet-stream'
          ? mime
          : (MIME[extOf(fileName)] ?? 'application/octet-stream'),
      size: buf.length,
      content: buf,
    };
    this.files.set(file.file_id, file);
    this.filesByPath.set(file.file_path, file);
    return file;
  }

  file(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  /** The Bot API object for a stored file: PhotoSize[] for photos, Document or Video otherwise. */
  mediaObject(kind: string, f: StoredFile): unknown {
    const base = { file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.size };
    if (kind === 'photo') return [{ ...base, width: 800, height: 600 }];
    const named = { ...base, file_name: f.file_name, mime_type: f.mime_type };
    return kind === 'video' ? { ...named, width: 1280, height: 720, duration: 1 } : named;
  }

  // ---------- record queries ----------

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Successful sendMessage/sendPhoto/sendVideo/sendDocument/copyMessage/forwardMessage calls to a chat. */
  sentTo(chatId: number): ApiCall[] {
    return this.calls.filter((c) => SEND_METHODS.has(c.method) && c.response.ok && c.chatId === chatId);
  }

  /** Current state of the bot's messages in a chat (edits applied, deleted left out; users' too on request). */
  messagesIn(chatId: number, opts: { includeUser?: boolean } = {}): Message[] {
    const all = [...(this.chats.get(chatId)?.messages.values() ?? [])];
    return all.filter((s) => !s.deleted && (s.fromBot || opts.includeUser)).map((s) => clone(s.message));
  }

  lastMessage(chatId: number): Message | undefined {
    return this.messagesIn(chatId).at(-1);
  }

  message(chatId: number, messageId: number): Message | undefined {
    const s = this.chats.get(chatId)?.messages.get(messageId);
    return s && !s.deleted ? clone(s.message) : undefined;
  }

  /** Labels of the reply keyboard currently shown in a chat. */
  replyKeyboard(chatId: number): string[][] | undefined {
    return this.chats.get(chatId)?.replyKeyboard;
  }

  commandsOf(opts: { token?: string; scope?: unknown; language_code?: string } = {}): unknown[] {
    return this.commands.get(this.commandKey(opts.token ?? this.token, opts.scope, opts.language_code)) ?? [];
  }

  /** Resolves with the predicate's first truthy value, re-checked on every call, update and bot message. */
  waitFor<T>(
    predicate: (calls: readonly ApiCall[]) => T | undefined | null | false,
    timeoutMs = 5000,
    label = 'waitFor',
    context?: () => string,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const check = () => {
        if (settled) return;
        try {
          const v = predicate(this.calls);
          if (v === undefined || v === null || v === false) return;
          settle();
          resolve(v as T);
        } catch (err) {
          settle();
          reject(err);
        }
      };
      const poll = setInterval(check, 25);
      const timer = setTimeout(() => {
        settle();
        const extra = context ? `\n${context()}` : '';
        reject(new Error(`${label} timed out after ${timeoutMs} ms${extra}\n${this.describeRecent()}`));
      }, timeoutMs);
      const settle = () => {
        settled = true;
        this.listeners.delete(check);
        clearInterval(poll);
        clearTimeout(timer);
      };
      this.listeners.add(check);
      check();
    });
  }

  describeRecent(n = 15): string {
    const lines = this.calls
      .filter((c) => c.method !== 'getUpdates')
      .slice(-n)
      .map((c) => {
        const chat = c.chatId !== undefined ? ` chat=${c.chatId}` : '';
        const text = c.params.text ?? c.params.caption ?? c.params.callback_query_id;
        const shown =
          typeof text === 'string'
            ? ` ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`
            : '';
        const r = c.response.ok ? 'ok' : `${c.response.error_code} ${c.response.description}`;
        return `  +${c.at - this.startedAt}ms ${c.method}${chat}${shown} → ${r}${c.injected ? ' (injected)' : ''}`;
      });
    const pending = [...this.queues.values()].reduce((a, q) => a + q.length, 0);
    const polls = this.callsOf('getUpdates').length;
    const head = `Last calls (${this.calls.length} total, ${polls} getUpdates, ${pending} unconfirmed updates, ${this.waiters.size} pending polls):`;
    return `${head}\n${lines.join('\n') || '  (none)'}`;
  }

  // ---------- internals ----------

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  private snapshot(c: ChatState): ChatSnapshot {
    const { id, type, title, username, botStatus, blocked, migratedTo, memberCount } = c;
    return compact({
      id,
      type,
      title,
      username,
      botStatus,
      blocked,
      migratedTo,
      memberCount,
      pinned: [...c.pinned],
    });
  }

  private state(id: number): ChatState {
    const c = this.chats.get(id);
    if (!c) throw new Error(`chat ${id} is not registered in the emulator (addChat/addUser first)`);
    return c;
  }

  /** POSTs one update to the bot's webhook after the ones before it, as Telegram does (no retries here). */
  private deliver(token: string, hook: Params, update: Update): void {
    const previous = this.webhookChains.get(token) ?? Promise.resolve();
    const next = previous.then(async () => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (typeof hook.secret_token === 'string')
        headers['x-telegram-bot-api-secret-token'] = hook.secret_token;
      let status: number | 'failed';
      try {
        const res = await fetch(String(hook.url), { method: 'POST', headers, body: JSON.stringify(update) });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 'failed';
      }
      this.webhookDeliveries.push({ token, updateId: update.update_id, status });
      this.notify();
    });
    this.webhookChains.set(token, next);
  }

  private queueOf(token: string): Update[] {
    const q = this.queues.get(token) ?? [];
    this.queues.set(token, q);
    return q;
  }

  /** Registers users, chats, callback queries and messages that arrive in hand-made updates. */
  private absorb(update: Update): void {
    for (const [key, value] of Object.entries(update)) {
      if (!value || typeof value !== 'object') continue;
      const obj = value as { chat?: Chat; from?: User; message?: Message; message_id?: number; id?: string };
      if (obj.from && !obj.from.is_bot && !this.users.has(obj.from.id)) this.addUser(obj.from);
      const chat = obj.chat ?? obj.message?.chat;
      if (chat && !this.chats.has(chat.id)) this.addChat(chat as ChatInit);
      if (key === 'callback_query' && obj.id) this.openQueries.add(obj.id);
      if (!chat || obj.message_id === undefined || (key !== 'message' && key !== 'channel_post')) continue;
      const state = this.state(chat.id);
      if (state.messages.has(obj.message_id)) continue;
      state.messages.set(obj.message_id, { message: clone(obj as Message), fromBot: false, deleted: false });
      state.nextMessageId = Math.max(state.nextMessageId, obj.message_id + 1);
    }
  }

  private publicBot(b: UserFromGetMe): User {
    return { id: b.id, is_bot: true, first_name: b.first_name, username: b.username };
  }

  private chatObject(c: ChatState): Chat {
    const { id, type, title = '', username, first_name = 'User', last_name } = c;
    if (type === 'private') return compact({ id, type, first_name, last_name, username }) as Chat;
    return (type === 'group' ? { id, type, title } : compact({ id, type, title, username })) as Chat;
  }

  private member(chat: ChatState, user: User, status: MemberStatus): ChatMember {
    if (status === 'administrator') {
      const rights = Object.fromEntries(ADMIN_RIGHTS.split(' ').map((k) => [k, true]));
      const channel = chat.type === 'channel' ? { can_post_messages: true, can_edit_messages: true } : {};
      const base = {
        can_be_edited: false,
        is_anonymous: false,
        can_promote_members: false,
        can_post_stories: false,
      };
      return {
        status,
        user,
        ...base,
        ...rights,
        ...channel,
        ...(user.is_bot ? chat.botRights : {}),
      } as ChatMember;
    }
    if (status === 'restricted')
      return { status, user, is_member: true, until_date: 0 } as unknown as ChatMember;
    if (status === 'kicked') return { status, user, until_date: 0 };
    if (status === 'creator') return { status, user, is_anonymous: false };
    return { status, user };
  }

  private commandKey(token: string, scope: unknown, lang: unknown): string {
    return `${token}|${JSON.stringify(scope ?? { type: 'default' })}|${typeof lang === 'string' ? lang : ''}`;
  }

  private resolveChatId(raw: unknown): number | undefined {
    if (typeof raw === 'number') return raw;
    if (typeof raw !== 'string') return undefined;
    if (/^-?\d+$/.test(raw)) return Number(raw);
    const name = raw.startsWith('@') ? raw.slice(1).toLowerCase() : undefined;
    return [...this.chats.values()].find((c) => name && c.username?.toLowerCase() === name)?.id;
  }

  private chatFor(raw: unknown): ChatState {
    if (raw === undefined || raw === '') throw bad('chat_id is empty');
    const id = this.resolveChatId(raw);
    const chat = id === undefined ? undefined : this.chats.get(id);
    if (!chat) throw bad('chat not found');
    return chat;
  }

  private kicked(type: ChatType | undefined): ApiError {
    const kind = type === 'supergroup' || type === 'channel' ? type : 'group';
    return new ApiError(403, `Forbidden: bot was kicked from the ${kind} chat`);
  }

  /** A chat the bot can read (getChat, edits...): not kicked and not left. */
  private reachable(raw: unknown): ChatState {
    const chat = this.chatFor(raw);
    if (chat.type === 'private') return chat;
    if (chat.botStatus === 'kicked') throw this.kicked(chat.type);
    if (chat.botStatus === 'left')
      throw new ApiError(403, `Forbidden: bot is not a member of the ${chat.type} chat`);
    return chat;
  }

  /** A chat the bot can send to. */
  private writable(c: Ctx): ChatState {
    const chat = this.chatFor(c.params.chat_id);
    if (chat.blocked === 'blocked') throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    if (chat.blocked === 'deactivated') throw new ApiError(403, 'Forbidden: user is deactivated');
    if (chat.migratedTo !== undefined) throw migrated(chat.migratedTo);
    this.reachable(chat.id);
    if (chat.type === 'channel' && !this.isAdmin(chat))
      throw bad('need administrator rights in the channel chat');
    return chat;
  }

  private isAdmin(chat: ChatState, right?: string): boolean {
    if (chat.type === 'private' || chat.botStatus === 'creator') return true;
    return chat.botStatus === 'administrator' && (!right || chat.botRights?.[right] !== false);
  }

  private target(c: Ctx, verb: string, editable = false): { chat: ChatState; stored: StoredMessage } {
    if (c.params.inline_message_id !== undefined) throw bad(`message to ${verb} not found`);
    const chat = this.reachable(c.params.chat_id);
    const stored = chat.messages.get(Number(c.params.message_id));
    if (!stored || stored.deleted) throw bad(`message to ${verb} not found`);
    if (editable && !stored.fromBot) throw bad("message can't be edited");
    return { chat, stored };
  }

  private storeMessage(chat: ChatState, fields: Params, fromBot: boolean): Message {
    const head = { message_id: chat.nextMessageId++, date: nowSec(), chat: this.chatObject(chat) };
    const message = compact({ ...head, ...fields }) as unknown as Message;
    chat.messages.set(message.message_id, { message, fromBot, deleted: false });
    return message;
  }

  private emit(kind: BotMessageEvent['kind'], chatId: number, message: Message, method: string): void {
    this.events.push({
      seq: ++this.seq,
      kind,
      chatId,
      messageId: message.message_id,
      message: clone(message),
      method,
    });
  }

  private markupFor(chat: ChatState, raw: unknown): InlineKeyboardMarkup | undefined {
    const r = (raw ?? {}) as { keyboard?: ({ text?: string } | string)[][]; remove_keyboard?: boolean };
    if (r.remove_keyboard) chat.replyKeyboard = undefined;
    if (Array.isArray(r.keyboard))
      chat.replyKeyboard = r.keyboard.map((row) =>
        row.map((b) => (typeof b === 'string' ? b : String(b.text ?? ''))),
      );
    return inlineMarkup(raw);
  }

  private replyTarget(chat: ChatState, p: Params): Message | undefined {
    const rp = p.reply_parameters as
      | { message_id?: number; allow_sending_without_reply?: boolean }
      | undefined;
    const id = rp?.message_id ?? p.reply_to_message_id;
    if (id === undefined) return undefined;
    const s = chat.messages.get(Number(id));
    if (s && !s.deleted) {
      const { reply_to_message: _, ...rest } = s.message as Message & { reply_to_message?: unknown };
      return clone(rest) as Message;
    }
    if (rp?.allow_sending_without_reply || p.allow_sending_without_reply) return undefined;
    throw bad('message to be replied not found');
  }

  private botMessage(c: Ctx, chat: ChatState, fields: Params): Message {
    const author =
      chat.type === 'channel' ? { sender_chat: this.chatObject(chat) } : { from: this.publicBot(c.bot) };
    const reply_to_message = this.replyTarget(chat, c.params);
    const has_protected_content = c.params.protect_content === true ? true : undefined;
    const message = this.storeMessage(
      chat,
      { ...author, ...fields, reply_to_message, has_protected_content },
      true,
    );
    this.emit('sent', chat.id, message, c.method);
    return clone(message);
  }

  /** Applies an edit, or fails with "message is not modified" when nothing changes. */
  private edit(c: Ctx, chat: ChatState, stored: StoredMessage, fields: Params): Message {
    const current = stored.message as unknown as Params;
    if (Object.entries(fields).every(([k, v]) => sameJson(v, current[k])))
      throw bad(
        'message is not modified: specified new message content and reply markup are exactly the same as ' +
          'a current content and reply markup of the message',
      );
    const next: Params = { ...current, ...fields, edit_date: nowSec() };
    for (const [k, v] of Object.entries(fields)) if (v === undefined) delete next[k];
    stored.message = next as unknown as Message;
    this.emit('edited', chat.id, stored.message, c.method);
    return clone(stored.message);
  }

  private inputFile(c: Ctx, kind: 'photo' | 'document' | 'video'): StoredFile {
    const v = c.params[kind];
    const attach = typeof v === 'string' && v.startsWith('attach://') ? v.slice(9) : undefined;
    const upload = c.files.get(attach ?? kind);
    if (upload) return this.storeFile(kind, upload.fileName, upload.mime, upload.content);
    if (attach) throw bad(`file "attach://${attach}" not found in the request`);
    if (typeof v === 'string' && /^https?:\/\//i.test(v))
      return this.storeFile(kind, new URL(v).pathname.split('/').pop() || kind, undefined, Buffer.alloc(0));
    if (typeof v !== 'string' || !v) throw bad(`there is no ${kind} in the request`);
    const f = this.files.get(v);
    if (!f) throw bad('wrong file identifier/HTTP URL specified');
    return f;
  }

  private sendMedia(c: Ctx, kind: 'photo' | 'document' | 'video'): Message {
    const chat = this.writable(c);
    const cap = formatText(c.params.caption, c.params.parse_mode, c.params.caption_entities, 'caption');
    const reply_markup = this.markupFor(chat, c.params.reply_markup);
    const media = this.mediaObject(kind, this.inputFile(c, kind));
    const fields = {
      [kind]: media,
      caption: cap.text || undefined,
      caption_entities: cap.entities,
      reply_markup,
    };
    return this.botMessage(c, chat, fields);
  }

  private sourceMessage(c: Ctx, verb: string): Message {
    const src = this.reachable(c.params.from_chat_id).messages.get(Number(c.params.message_id));
    if (!src || src.deleted) throw bad(`message to ${verb} not found`);
    return clone(src.message);
  }

  private faultResponse(e: FaultError, chatId: number | undefined): ApiResponse | 'drop' {
    const simple: Record<string, ApiError> = {
      blocked: new ApiError(403, 'Forbidden: bot was blocked by the user'),
      deactivated: new ApiError(403, 'Forbidden: user is deactivated'),
      kicked: this.kicked(chatId === undefined ? undefined : this.chats.get(chatId)?.type),
      chat_not_found: bad('chat not found'),
      server_error: new ApiError(500, 'Internal Server Error'),
    };
    if (e === 'drop') return 'drop';
    if (typeof e === 'string') return simple[e]!.toResponse();
    if ('retryAfter' in e)
      return new ApiError(429, `Too Many Requests: retry after ${e.retryAfter}`, {
        retry_after: e.retryAfter,
      }).toResponse();
    if ('migrateToChatId' in e) return migrated(e.migrateToChatId).toResponse();
    return new ApiError(e.errorCode, e.description, e.parameters).toResponse();
  }

  private pickFault(method: string, chatId: number | undefined): FaultError | undefined {
    const chatMatches = (want: number | string | undefined) =>
      want === undefined || (chatId !== undefined && this.resolveChatId(want) === chatId);
    const idx = this.faults.findIndex(
      (f) => (f.method ? f.method === method : method !== 'getUpdates') && chatMatches(f.chatId),
    );
    const f = this.faults[idx];
    if (f && --f.times <= 0) this.faults.splice(idx, 1);
    if (f) return f.error;
    return this.rates.find((r) => r.method === method && chatMatches(r.chatId) && this.random() < r.rate)
      ?.error;
  }

  /** Sliding windows over arrival times; a call that is let through is recorded. */
  private rateLimited(call: ApiCall): ApiResponse | undefined {
    const rules = this.rateRules;
    if (!rules || !SEND_METHODS.has(call.method)) return undefined;
    const at = call.at;
    const over = (times: number[], windowMs: number, limit: number) => {
      const recent = times.filter((t) => t > at - windowMs && t <= at);
      if (recent.length < limit) return 0;
      return Math.max(1, Math.ceil((Math.min(...recent) + windowMs - at) / 1000));
    };
    const tooMany = (retryAfter: number) =>
      new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, {
        retry_after: retryAfter,
      }).toResponse();
    const paid = call.params.allow_paid_broadcast === true;
    const global = paid ? this.sendTimes.paid : this.sendTimes.free;
    const globalWait = over(global, 1000, paid ? rules.paid : rules.global);
    if (globalWait > 0) {
      this.rateLimitHits.global++;
      return tooMany(globalWait);
    }
    const chat = call.chatId === undefined ? undefined : this.chats.get(call.chatId);
    const perChat = chat ? (this.sendTimes.chats.get(chat.id) ?? []) : [];
    if (chat) {
      const wait =
        chat.type === 'private'
          ? over(perChat, 1000, rules.privatePerSecond)
          : over(perChat, 60_000, rules.groupPerMinute);
      if (wait > 0) {
        this.rateLimitHits.chat++;
        return tooMany(wait);
      }
      this.sendTimes.chats.set(chat.id, [...perChat.filter((t) => t > at - 60_000), at]);
    }
    global.push(at);
    const limit = paid ? rules.paid : rules.global;
    if (global.length > 4 * limit + 100) global.splice(0, global.length - 2 * limit);
    return undefined;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Arrival is when the request comes in, before its body is read (which takes event-loop turns).
    const arrivedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://emulator');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const fileRoute = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileRoute) {
      const file = this.filesByPath.get(decodeURIComponent(fileRoute[2]!));
      if (!file || !TOKEN_RE.test(decodeURIComponent(fileRoute[1]!))) return writeJson(res, NOT_FOUND);
      res
        .writeHead(200, { 'content-type': file.mime_type, 'content-length': file.content.length })
        .end(file.content);
      return;
    }
    const route = /^(?:\/c-([A-Za-z0-9_-]+))?\/bot([^/]+)\/(?:test\/)?([A-Za-z]+)$/.exec(url.pathname);
    if (!route) return writeJson(res, NOT_FOUND);
    const lower = route[3]!.toLowerCase();
    const method = Object.keys(this.handlers).find((k) => k.toLowerCase() === lower) ?? route[3]!;
    const token = decodeURIComponent(route[2]!);
    const call: ApiCall = {
      method,
      token,
      ...(route[1] ? { client: route[1] } : {}),
      params: {},
      files: [],
      at: arrivedAt,
      durationMs: 0,
      response: NOT_FOUND,
    };
    let files = new Map<string, UploadedFile>();
    try {
      ({ params: call.params, files } = parseRequest(
        Buffer.concat(chunks),
        req.headers['content-type'],
        url.searchParams,
      ));
      call.files = [...files.values()];
    } catch (err) {
      call.response = (err instanceof ApiError ? err : bad("can't parse JSON object")).toResponse();
      return this.finish(call, res);
    }
    call.chatId = this.resolveChatId(call.params.chat_id);
    const delay = this.latency.get(method) ?? this.latency.get('*') ?? 0;
    if (delay > 0) await sleep(delay);
    const response = await this.dispatch(call, files, res);
    if (response !== 'drop') {
      call.response = response;
      return this.finish(call, res);
    }
    call.dropped = true;
    call.response = { ok: false, error_code: 0, description: 'connection dropped' };
    this.finish(call, undefined);
    req.socket.destroy();
  }

  private finish(call: ApiCall, res: ServerResponse | undefined): void {
    call.durationMs = Date.now() - call.at;
    this.calls.push(call);
    if (res) writeJson(res, call.response);
    this.notify();
  }

  private async dispatch(
    call: ApiCall,
    files: Map<string, UploadedFile>,
    res: ServerResponse,
  ): Promise<ApiResponse | 'drop'> {
    if (!TOKEN_RE.test(call.token)) return { ok: false, error_code: 401, description: 'Unauthorized' };
    const handler = this.handlers[call.method];
    if (!handler) return NOT_FOUND;
    const fault = this.pickFault(call.method, call.chatId);
    call.injected = fault !== undefined || undefined;
    if (fault) return this.faultResponse(fault, call.chatId);
    const limited = this.rateLimited(call);
    if (limited) return limited;
    const { token, params, method } = call;
    try {
      const result = await handler({ token, bot: this.bot(token), params, files, method }, res);
      return { ok: true, result };
    } catch (err) {
      if (err instanceof ApiError) return err.toResponse();
      return {
        ok: false,
        error_code: 500,
        description: `Internal Server Error: emulator bug: ${String(err)}`,
      };
    }
  }

  private getUpdates(token: string, p: Params, res: ServerResponse): Update[] | Promise<Update[]> {
    if (this.webhooks.get(token)?.url)
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    const q = this.queueOf(token);
    const offset = Number(p.offset ?? 0) || 0;
    const limit = Math.min(100, Math.max(1, Number(p.limit ?? 100) || 100));
    const timeout = Math.max(0, Number(p.timeout ?? 0) || 0);
    if (offset > 0) {
      const i = q.findIndex((u) => u.update_id >= offset);
      q.splice(0, i === -1 ? q.length : i);
    } else if (offset < 0) q.splice(0, Math.max(0, q.length + offset));
    const take = () => clone(q.slice(0, limit));
    if (q.length > 0 || timeout === 0 || this.stopping) return take();
    return new Promise<Update[]>((resolve) => {
      let done = false;
      const finish = (updates: Update[]) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(updates);
      };
      const waiter: Waiter = { token, wake: () => q.length > 0 && finish(take()), stop: () => finish([]) };
      const timer = setTimeout(() => finish([]), timeout * 1000);
      res.on('close', () => finish([]));
      this.waiters.add(waiter);
      this.notify();
    });
  }

  private readonly handlers: Record<string, (c: Ctx, res: ServerResponse) => unknown> = {
    getMe: (c) => c.bot,
    getUpdates: (c, res) => this.getUpdates(c.token, c.params, res),
    setWebhook: (c) => {
      this.webhooks.set(c.token, { ...c.params });
      if (c.params.drop_pending_updates) this.queueOf(c.token).length = 0;
      return true;
    },
    deleteWebhook: (c) => {
      this.webhooks.delete(c.token);
      if (c.params.drop_pending_updates) this.queueOf(c.token).length = 0;
      return true;
    },
    sendMessage: (c) => {
      const chat = this.writable(c);
      const { text, entities } = formatText(c.params.text, c.params.parse_mode, c.params.entities, 'text');
      const reply_markup = this.markupFor(chat, c.params.reply_markup);
      return this.botMessage(c, chat, {
        text,
        entities,
        reply_markup,
        link_preview_options: c.params.link_preview_options,
      });
    },
    sendPhoto: (c) => this.sendMedia(c, 'photo'),
    sendDocument: (c) => this.sendMedia(c, 'document'),
    sendVideo: (c) => this.sendMedia(c, 'video'),
    sendChatAction: (c) => this.writable(c) && true,
    copyMessage: (c) => {
      const src = this.sourceMessage(c, 'copy') as unknown as Params;
      const chat = this.writable(c);
      const content: Params = {};
      for (const k of 'text entities caption caption_entities photo document video audio voice animation'.split(
        ' ',
      ))
        if (k in src) content[k] = src[k];
      if (!Object.keys(content).length) throw bad("message can't be copied");
      if (c.params.caption !== undefined) {
        const cap = formatText(c.params.caption, c.params.parse_mode, c.params.caption_entities, 'caption');
        Object.assign(content, { caption: cap.text || undefined, caption_entities: cap.entities });
      }
      content.reply_markup = this.markupFor(chat, c.params.reply_markup);
      return { message_id: this.botMessage(c, chat, content).message_id };
    },
    forwardMessage: (c) => {
      const src = this.sourceMessage(c, 'forward') as Message & Params;
      const chat = this.writable(c);
      const {
        message_id,
        date,
        chat: _c,
        from,
        sender_chat,
        reply_markup: _r,
        edit_date: _e,
        ...content
      } = src;
      const forward_origin = sender_chat
        ? { type: 'channel', chat: sender_chat, message_id, date }
        : { type: 'user', sender_user: from, date };
      return this.botMessage(c, chat, { ...content, reply_to_message: undefined, forward_origin });
    },
    editMessageText: (c) => {
      const { chat, stored } = this.target(c, 'edit', true);
      if (stored.message.text === undefined) throw bad('there is no text in the message to edit');
      const { text, entities } = formatText(c.params.text, c.params.parse_mode, c.params.entities, 'text');
      return this.edit(c, chat, stored, {
        text,
        entities,
        reply_markup: inlineMarkup(c.params.reply_markup),
      });
    },
    editMessageCaption: (c) => {
      const { chat, stored } = this.target(c, 'edit', true);
      if (stored.message.text !== undefined) throw bad('there is no caption in the message to edit');
      const f = formatText(c.params.caption, c.params.parse_mode, c.params.caption_entities, 'caption');
      const reply_markup = inlineMarkup(c.params.reply_markup);
      return this.edit(c, chat, stored, {
        caption: f.text || undefined,
        caption_entities: f.entities,
        reply_markup,
      });
    },
    editMessageReplyMarkup: (c) => {
      const { chat, stored } = this.target(c, 'edit', true);
      return this.edit(c, chat, stored, { reply_markup: inlineMarkup(c.params.reply_markup) });
    },
    deleteMessage: (c) => {
      const { chat, stored } = this.target(c, 'delete');
      stored.deleted = true;
      this.emit('deleted', chat.id, stored.message, c.method);
      return true;
    },
    answerCallbackQuery: (c) => {
      const id = String(c.params.callback_query_id ?? '');
      if (!this.openQueries.delete(id))
        throw bad('query is too old and response timeout expired or query ID is invalid');
      this.callbackAnswers.set(id, { ...c.params });
      return true;
    },
    pinChatMessage: (c) => {
      const { chat, stored } = this.target(c, 'pin');
      if (!this.isAdmin(chat, 'can_pin_messages'))
        throw bad('not enough rights to manage pinned messages in the chat');
      chat.pinned = [
        ...chat.pinned.filter((id) => id !== stored.message.message_id),
        stored.message.message_id,
      ];
      return true;
    },
    unpinChatMessage: (c) => {
      const chat = this.reachable(c.params.chat_id);
      if (!this.isAdmin(chat, 'can_pin_messages'))
        throw bad('not enough rights to manage pinned messages in the chat');
      const id = c.params.message_id === undefined ? chat.pinned.at(-1) : Number(c.params.message_id);
      chat.pinned = chat.pinned.filter((p) => p !== id);
      return true;
    },
    setMyCommands: (c) => {
      const cmds = c.params.commands as { command?: string; description?: string }[] | undefined;
      if (!Array.isArray(cmds) || cmds.length > 100) throw bad('BOT_COMMANDS_TOO_MUCH');
      for (const { command = '', description = '' } of cmds) {
        if (!/^[a-z0-9_]{1,32}$/.test(command)) throw bad('BOT_COMMAND_INVALID');
        if (description.length < 1 || description.length > 256) throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      this.commands.set(this.commandKey(c.token, c.params.scope, c.params.language_code), clone(cmds));
      return true;
    },
    getMyCommands: (c) =>
      this.commands.get(this.commandKey(c.token, c.params.scope, c.params.language_code)) ?? [],
    deleteMyCommands: (c) =>
      this.commands.delete(this.commandKey(c.token, c.params.scope, c.params.language_code)) || true,
    setChatMenuButton: (c) => {
      this.menuButtons.set(
        `${c.token}|${String(c.params.chat_id ?? '')}`,
        c.params.menu_button ?? { type: 'default' },
      );
      return true;
    },
    getChat: (c) => ({
      ...this.chatObject(this.reachable(c.params.chat_id)),
      accent_color_id: 0,
      max_reaction_count: 11,
    }),
    getChatMember: (c) => {
      const chat = this.reachable(c.params.chat_id);
      const userId = Number(c.params.user_id);
      if (userId === c.bot.id)
        return this.member(chat, this.publicBot(c.bot), chat.type === 'private' ? 'member' : chat.botStatus);
      const user = this.users.get(userId);
      if (!user) throw bad('user not found');
      const inPrivate = userId === chat.id ? 'member' : 'left';
      return this.member(
        chat,
        user,
        chat.type === 'private' ? inPrivate : (chat.members.get(userId) ?? 'left'),
      );
    },
    getChatMemberCount: (c) => {
      const chat = this.reachable(c.params.chat_id);
      return chat.type === 'private' ? 2 : (chat.memberCount ?? Math.max(2, chat.members.size + 1));
    },
    getFile: (c) => {
      const f = this.files.get(String(c.params.file_id ?? ''));
      if (!f) throw bad('invalid file_id');
      return {
        file_id: f.file_id,
        file_unique_id: f.file_unique_id,
        file_size: f.size,
        file_path: f.file_path,
      };
    },
    leaveChat: (c) => {
      const chat = this.reachable(c.params.chat_id);
      if (chat.type === 'private') throw bad("chat member status can't be changed in private chats");
      this.setBotMembership(chat.id, 'left', this.publicBot(c.bot), c.token);
      return true;
    },
    banChatMember: (c) => {
      const chat = this.reachable(c.params.chat_id);
      if (chat.type === 'private') throw bad("can't remove chat owner");
      if (!this.isAdmin(chat, 'can_restrict_members'))
        throw bad('not enough rights to restrict/unrestrict chat member');
      chat.members.set(Number(c.params.user_id), 'kicked');
      return true;
    },
  };
}
