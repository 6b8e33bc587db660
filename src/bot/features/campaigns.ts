import { randomBytes } from 'node:crypto';
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import {
  type AudienceSpec,
  type CampaignStatus,
  type Platform,
  STATUS_ICONS,
  type TrainingStatus,
} from '../../domain/campaign.js';
import { DomainError, NotFoundError } from '../../domain/errors.js';
import { allowedActions, type CardAction, canEdit, deleteOutcome } from '../../domain/lifecycle.js';
import { formatFileSize } from '../../domain/message.js';
import {
  assertFuture,
  assertTimeZone,
  formatInZone,
  localToInstant,
  parseLocalDate,
  parseLocalTime,
} from '../../domain/schedule.js';
import { trainingApplies } from '../../domain/training.js';
import { BULK_STATUS_ACTIONS, type BulkStatusAction } from '../../services/campaign-bulk.service.js';
import type {
  BulkReport,
  Campaign,
  CampaignListQuery,
  CampaignSort,
  RunProgress,
} from '../../services/index.js';
import { arm, armedPattern, disarm, expiredAnswer } from '../armed-actions.js';
import type { BotContext } from '../context.js';
import { canChange, isAdmin } from '../filters.js';
import {
  ARMED_VERBS,
  CARD_BUTTONS,
  READ_ONLY_VERBS,
  STATUS_CODES,
  STATUS_FREE_VERBS,
  VERBS,
} from './campaign-verbs.js';
import { cancelKeyboard, createPendingInput, type Pending } from './pending-input.js';
import { clip, errorText, label, type PressAnswer, type PressResult, pressed, show } from './screen.js';
import { statsActions, statsText, trackingNote } from './stats.js';

type PlatformChoice = Platform | 'all';
const STATUS_FILTERS = ['all', 'published', 'scheduled', 'draft', 'failed'] as const;
type StatusFilter = (typeof STATUS_FILTERS)[number];
const TRAINING_FILTERS = ['all', 'trained', 'not_trained'] as const;
type TrainingFilter = (typeof TRAINING_FILTERS)[number];
const DATE_FILTERS = ['any', 'today', 'week', 'month'] as const;
type DateFilter = (typeof DATE_FILTERS)[number];
const SORTS = [
  'recent',
  'oldest',
  'name_asc',
  'name_desc',
  'schedule',
  'status',
] as const satisfies readonly CampaignSort[];
const TRAININGS = ['trained', 'training', 'not_trained'] as const satisfies readonly TrainingStatus[];

const PAGE_SIZE = 10;
/** A list stays usable for a day; after that its buttons answer "expired" and offer a fresh one. */
const SESSION_TTL_SECONDS = 24 * 3600;

/** Where an admin is in the list: everything a page needs, kept in Redis under a short id. */
interface ListState {
  uid: number;
  platform: PlatformChoice;
  page: number;
  status: StatusFilter;
  training: TrainingFilter;
  date: DateFilter;
  sort: CampaignSort;
  q: string;
  sel: number[];
}

const PLATFORM_CODES: Record<string, PlatformChoice> = { w: 'whatsapp', t: 'telegram', a: 'all' };

const BULK_TRAINING_CODES: Record<string, TrainingStatus> = { t: 'trained', g: 'training', n: 'not_trained' };
const TRAINING_CODES: Record<TrainingStatus, string> = { trained: 't', training: 'g', not_trained: 'n' };

/** Why a bulk action skipped a campaign; the two common rules get wording made for a list. */
function refusalText(ctx: BotContext, code: string, params: Record<string, string | number>): string {
  if (code === 'illegal-transition') return ctx.t('campaigns-refused-transition', params);
  if (code === 'feature-not-available') return ctx.t('campaigns-refused-feature', params);
  return ctx.t(`error-${code}`, params);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += size) rows.push(items.slice(i, i + size));
  return rows;
}

function newSid(): string {
  return randomBytes(5).toString('base64url').slice(0, 7);
}

function uid(ctx: BotContext): number {
  return ctx.from?.id ?? 0;
}

/** "Date Time [Zone]": `2029-06-13 11:24`, `2029-06-13 5:57 pm Europe/Berlin`. */
function parseScheduleInput(text: string, defaultZone: string): { date: string; time: string; zone: string } {
  const parts = text.trim().split(/\s+/);
  const date = parseLocalDate(parts[0] ?? '');
  let rest = parts.slice(1);
  let zone = defaultZone;
  const last = rest[rest.length - 1];
  if (rest.length > 1 && last && /[A-Za-z]{2,}/.test(last) && !/^[ap]\.?m\.?$/i.test(last)) {
    zone = assertTimeZone(last);
    rest = rest.slice(0, -1);
  }
  const time = parseLocalTime(rest.join(' '));
  return { date, time, zone };
}

/** /campaigns: platform choice, the list with search/filter/sort/pages, cards and bulk mode. */
export function campaignsFeature(storagePrefix = 'mb:'): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);
  const pending = createPendingInput(storagePrefix);
  const sessionKey = (sid: string) => `${storagePrefix}camplist:${sid}`;

  // ---------- list state ----------

  async function loadState(ctx: BotContext, sid: string): Promise<ListState | null> {
    const raw = await ctx.deps.redis.get(sessionKey(sid));
    if (!raw) return null;
    try {
      const state = JSON.parse(raw) as ListState;
      return state.uid === uid(ctx) ? state : null;
    } catch {
      return null;
    }
  }

  async function saveState(ctx: BotContext, sid: string, state: ListState): Promise<void> {
    await ctx.deps.redis.set(sessionKey(sid), JSON.stringify(state), 'EX', SESSION_TTL_SECONDS);
  }

  async function newState(
    ctx: BotContext,
    platform: PlatformChoice,
  ): Promise<{ sid: string; state: ListState }> {
    const state: ListState = {
      uid: uid(ctx),
      platform,
      page: 1,
      status: 'all',
      training: 'all',
      date: 'any',
      sort: 'recent',
      q: '',
      sel: [],
    };
    const sid = newSid();
    await saveState(ctx, sid, state);
    return { sid, state };
  }

  function query(state: ListState, zone: string): CampaignListQuery {
    return {
      platform: state.platform,
      status: state.status,
      training: state.training,
      ...(state.q ? { search: state.q } : {}),
      ...(state.date !== 'any' ? { dateRange: state.date } : {}),
      zone,
      sort: state.sort,
    };
  }

  // ---------- texts ----------

  const statusText = (ctx: BotContext, status: CampaignStatus) =>
    `${STATUS_ICONS[status]} ${ctx.t('campaigns-status', { status })}`;

  function scheduleText(ctx: BotContext, c: Campaign): string {
    return c.schedule.at
      ? formatInZone(new Date(c.schedule.at), c.schedule.zone)
      : ctx.t('campaigns-not-scheduled');
  }

  function line(ctx: BotContext, c: Campaign, showPlatform: boolean): string {
    const params = {
      featured: c.featured ? '⚡ ' : '',
      tag: showPlatform ? `${ctx.t('campaigns-platform-short', { platform: c.platform })} ` : '',
      id: String(c.id),
      name: c.name,
      status: statusText(ctx, c.status),
      training: ctx.t('campaigns-training', { training: c.training }),
      schedule: scheduleText(ctx, c),
    };
    return ctx.t(c.platform === 'whatsapp' ? 'campaigns-line-whatsapp' : 'campaigns-line-telegram', params);
  }

  function audienceText(ctx: BotContext, a: AudienceSpec): string {
    const parts: string[] = [];
    if (a.kind === 'whatsapp') {
      if (a.all) parts.push(ctx.t('campaigns-audience-all-contacts'));
      if (a.segments.length)
        parts.push(ctx.t('campaigns-audience-segments', { segments: a.segments.join(', ') }));
      if (a.contactIds.length)
        parts.push(ctx.t('campaigns-audience-contacts', { count: a.contactIds.length }));
      if (a.importedPhones.length)
        parts.push(ctx.t('campaigns-audience-imported', { count: a.importedPhones.length }));
    } else {
      if (a.allSubscribers) parts.push(ctx.t('campaigns-audience-all-subscribers'));
      if (a.groupIds.length) parts.push(ctx.t('campaigns-audience-groups', { count: a.groupIds.length }));
      if (a.channelIds.length)
        parts.push(ctx.t('campaigns-audience-channels', { count: a.channelIds.length }));
      if (a.directSubscriberIds.length)
        parts.push(ctx.t('campaigns-audience-direct', { count: a.directSubscriberIds.length }));
    }
    return parts.length ? parts.join(', ') : ctx.t('campaigns-audience-none');
  }

  function cardText(ctx: BotContext, c: Campaign, progress: RunProgress | null, notice?: string): string {
    const zone = c.schedule.zone;
    const lines: string[] = [];
    if (notice) lines.push(notice, '');
    lines.push(
      ctx.t('campaigns-card-title', { featured: c.featured ? '⚡ ' : '', id: String(c.id), name: c.name }),
    );
    lines.push(
      ctx.t('campaigns-card-platform', {
        platform: ctx.t('campaigns-platform', { platform: c.platform }),
        type: ctx.t('campaigns-type', { type: c.type }),
      }),
    );
    lines.push(ctx.t('campaigns-card-status', { status: statusText(ctx, c.status) }));
    if (trainingApplies(c.platform, c.audience)) {
      lines.push(
        ctx.t('campaigns-card-training', { training: ctx.t('campaigns-training', { training: c.training }) }),
      );
    }
    lines.push(ctx.t('campaigns-card-schedule', { schedule: scheduleText(ctx, c) }));
    if (c.schedule.frequency !== 'none') {
      const frequency = c.schedule.frequency === 'custom' ? (c.schedule.cron ?? '') : c.schedule.frequency;
      lines.push(
        c.schedule.endDate
          ? ctx.t('campaigns-card-repeat-until', { frequency, until: c.schedule.endDate })
          : ctx.t('campaigns-card-repeat', { frequency }),
      );
    }
    lines.push(ctx.t('campaigns-card-audience', { audience: audienceText(ctx, c.audience) }));
    if (progress && progress.total > 0) {
      lines.push(
        ctx.t('campaigns-card-progress', {
          sent: progress.sent,
          total: progress.total,
          failed: progress.failed,
        }),
      );
    }
    if (c.lastError) lines.push(ctx.t('campaigns-card-last-error', { error: c.lastError }));
    lines.push('', ctx.t('campaigns-card-message'));
    lines.push(c.message.text.trim() ? clip(c.message.text, 1200) : ctx.t('campaigns-card-no-text'));
    if (c.message.media) {
      lines.push(
        ctx.t('campaigns-card-media', {
          kind: c.message.media.kind,
          name: c.message.media.fileName ?? '',
          size: formatFileSize(c.message.media.size),
        }),
      );
    }
    const buttons = c.message.buttons?.flat().length ?? 0;
    if (buttons > 0) lines.push(ctx.t('campaigns-card-buttons', { count: buttons }));
    lines.push(...trackingNote(ctx, c));
    lines.push(
      '',
      ctx.t('campaigns-card-dates', {
        created: formatInZone(new Date(c.createdAt), zone),
        updated: formatInZone(new Date(c.updatedAt), zone),
      }),
    );
    return lines.join('\n');
  }

  /** Test sends need a messenger (main.ts wires one when the bot runs); without it the button is left out. */
  function cardActions(ctx: BotContext, c: Campaign): CardAction[] {
    return allowedActions(c.status, c.platform).filter((a) => a !== 'send_test' || ctx.deps.testSender);
  }

  async function cardKeyboard(ctx: BotContext, sid: string, c: Campaign): Promise<InlineKeyboard> {
    const code = STATUS_CODES[c.status];
    const actions = cardActions(ctx, c).filter(
      (a) => canChange(ctx) || READ_ONLY_VERBS.has(CARD_BUTTONS[a].verb),
    );
    const buttons = [];
    for (const a of actions) {
      const { verb, key } = CARD_BUTTONS[a];
      const data = `camp:${sid}:a:${c.id}:${code}:${verb}`;
      const text = ctx.t(a === 'feature' && c.featured ? 'campaigns-btn-unfeature' : key);
      buttons.push(InlineKeyboard.text(text, ARMED_VERBS.has(verb) ? await arm(ctx, data) : data));
    }
    // 🧠 Training (features/training.ts) where replies can be answered: WhatsApp, Telegram private chats.
    if (canChange(ctx) && trainingApplies(c.platform, c.audience)) {
      buttons.push(InlineKeyboard.text(ctx.t('training-btn-open'), `tr:open:${c.id}`));
    }
    return InlineKeyboard.from([
      ...chunk(buttons, 3),
      [InlineKeyboard.text(ctx.t('campaigns-btn-back-list'), `camp:${sid}:l`)],
    ]);
  }

  /** The current run's figures, from its counters (the same ones /stats shows). */
  const progressOf = (ctx: BotContext, c: Campaign) => ctx.deps.services.analytics.runProgress(c);

  async function showCard(ctx: BotContext, sid: string, c: Campaign, notice?: string): Promise<void> {
    await show(ctx, cardText(ctx, c, await progressOf(ctx, c), notice), await cardKeyboard(ctx, sid, c));
  }

  /** A card as a new message (after a typed answer, the old card is above the admin's text). */
  async function sendCard(ctx: BotContext, sid: string, c: Campaign, notice?: string): Promise<void> {
    await ctx.reply(clip(cardText(ctx, c, await progressOf(ctx, c), notice)), {
      reply_markup: await cardKeyboard(ctx, sid, c),
      link_preview_options: { is_disabled: true },
    });
  }

  // ---------- screens ----------

  async function platformScreen(
    ctx: BotContext,
    notice?: string,
    opts: { send?: boolean } = {},
  ): Promise<void> {
    const text = notice
      ? `${notice}\n\n${ctx.t('campaigns-choose-platform')}`
      : ctx.t('campaigns-choose-platform');
    await show(
      ctx,
      text,
      new InlineKeyboard()
        .text(ctx.t('campaigns-platform-whatsapp-button'), 'camp:p:w')
        .text(ctx.t('campaigns-platform-telegram-button'), 'camp:p:t')
        .text(ctx.t('campaigns-platform-all-button'), 'camp:p:a'),
      opts,
    );
  }

  function criteriaLines(ctx: BotContext, state: ListState): string[] {
    const lines: string[] = [];
    const filters: string[] = [];
    if (state.status !== 'all') filters.push(ctx.t('campaigns-status', { status: state.status }));
    if (state.training !== 'all') filters.push(ctx.t('campaigns-training', { training: state.training }));
    if (state.date !== 'any') filters.push(ctx.t('campaigns-date', { date: state.date }));
    if (filters.length) lines.push(ctx.t('campaigns-list-filter', { filters: filters.join(' · ') }));
    if (state.sort !== 'recent')
      lines.push(ctx.t('campaigns-list-sort', { sort: ctx.t('campaigns-sort', { sort: state.sort }) }));
    if (state.q) lines.push(ctx.t('campaigns-list-search', { search: state.q }));
    return lines;
  }

  async function loadPage(ctx: BotContext, sid: string, state: ListState) {
    const zone = await ctx.deps.services.admins.timeZoneOf(uid(ctx));
    const page = await ctx.deps.services.campaigns.list({
      ...query(state, zone),
      page: state.page,
      pageSize: PAGE_SIZE,
    });
    if (page.page !== state.page) {
      state.page = page.page;
      await saveState(ctx, sid, state);
    }
    return page;
  }

  function pager(sid: string, verb: string, page: number, pages: number) {
    const row = [];
    if (page > 1) row.push(InlineKeyboard.text('◀', `camp:${sid}:${verb}:${page - 1}`));
    if (page < pages) row.push(InlineKeyboard.text('▶', `camp:${sid}:${verb}:${page + 1}`));
    return row;
  }

  async function listScreen(
    ctx: BotContext,
    sid: string,
    state: ListState,
    opts: { notice?: string; send?: boolean } = {},
  ): Promise<void> {
    const page = await loadPage(ctx, sid, state);
    const lines: string[] = [];
    if (opts.notice) lines.push(opts.notice, '');
    lines.push(
      ctx.t('campaigns-list-title', {
        platform: state.platform,
        total: page.total,
        page: page.page,
        pages: page.pages,
      }),
    );
    lines.push(...criteriaLines(ctx, state));
    lines.push('');
    if (page.items.length === 0) lines.push(ctx.t('campaigns-list-empty'));
    for (const c of page.items) lines.push(line(ctx, c, state.platform === 'all'));

    const rows = page.items.map((c) => [
      InlineKeyboard.text(label(`${c.featured ? '⚡' : ''}${c.id}. ${c.name}`), `camp:${sid}:c:${c.id}`),
    ]);
    const nav = pager(sid, 'pg', page.page, page.pages);
    if (nav.length) rows.push(nav);
    rows.push([
      InlineKeyboard.text(ctx.t('campaigns-btn-search'), `camp:${sid}:s`),
      InlineKeyboard.text(ctx.t('campaigns-btn-filter'), `camp:${sid}:f`),
      InlineKeyboard.text(ctx.t('campaigns-btn-sort'), `camp:${sid}:o`),
    ]);
    const tools = [InlineKeyboard.text(ctx.t('campaigns-btn-bulk'), `camp:${sid}:b`)];
    if (state.q) tools.push(InlineKeyboard.text(ctx.t('campaigns-btn-clear-search'), `camp:${sid}:sx`));
    rows.push(tools);
    rows.push([InlineKeyboard.text(ctx.t('campaigns-btn-platforms'), `camp:${sid}:pl`)]);
    const keyboard = InlineKeyboard.from(rows);
    const text = clip(lines.join('\n'));
    if (opts.send) {
      await ctx.reply(text, { reply_markup: keyboard, link_preview_options: { is_disabled: true } });
    } else {
      await show(ctx, text, keyboard);
    }
  }

  async function filterScreen(ctx: BotContext, sid: string, state: ListState): Promise<void> {
    const zone = await ctx.deps.services.admins.timeZoneOf(uid(ctx));
    const { total } = await ctx.deps.services.campaigns.list({ ...query(state, zone), page: 1, pageSize: 1 });
    const mark = (on: boolean, text: string) => (on ? `• ${text}` : text);
    const rows = [
      ...chunk(
        STATUS_FILTERS.map((s) =>
          InlineKeyboard.text(
            mark(
              state.status === s,
              s === 'all' ? ctx.t('campaigns-filter-any-status') : ctx.t('campaigns-status', { status: s }),
            ),
            `camp:${sid}:fs:${s}`,
          ),
        ),
        3,
      ),
    ];
    if (state.platform !== 'telegram') {
      rows.push(
        TRAINING_FILTERS.map((tr) =>
          InlineKeyboard.text(
            mark(
              state.training === tr,
              tr === 'all'
                ? ctx.t('campaigns-filter-any-training')
                : ctx.t('campaigns-training', { training: tr }),
            ),
            `camp:${sid}:ft:${tr}`,
          ),
        ),
      );
    }
    rows.push(
      DATE_FILTERS.map((d) =>
        InlineKeyboard.text(
          mark(state.date === d, ctx.t('campaigns-date', { date: d })),
          `camp:${sid}:fd:${d}`,
        ),
      ),
    );
    rows.push([
      InlineKeyboard.text(ctx.t('campaigns-btn-show-results', { count: total }), `camp:${sid}:l`),
      InlineKeyboard.text(ctx.t('campaigns-btn-reset-filter'), `camp:${sid}:fr`),
    ]);
    const lines = [ctx.t('campaigns-filter-title'), ...criteriaLines(ctx, state)];
    await show(ctx, lines.join('\n'), InlineKeyboard.from(rows));
  }

  async function sortScreen(ctx: BotContext, sid: string, state: ListState): Promise<void> {
    const rows = chunk(
      SORTS.map((s, i) =>
        InlineKeyboard.text(
          `${state.sort === s ? '• ' : ''}${ctx.t('campaigns-sort', { sort: s })}`,
          `camp:${sid}:or:${i}`,
        ),
      ),
      2,
    );
    rows.push([InlineKeyboard.text(ctx.t('campaigns-btn-back-list'), `camp:${sid}:l`)]);
    await show(ctx, ctx.t('campaigns-sort-title'), InlineKeyboard.from(rows));
  }

  async function bulkScreen(ctx: BotContext, sid: string, state: ListState, notice?: string): Promise<void> {
    const page = await loadPage(ctx, sid, state);
    const selected = new Set(state.sel);
    const lines: string[] = [];
    if (notice) lines.push(notice, '');
    lines.push(
      ctx.t('campaigns-bulk-title', { platform: state.platform, page: page.page, pages: page.pages }),
      ctx.t('campaigns-bulk-selected', {
        count: state.sel.length,
        ids: state.sel.map((id) => `#${id}`).join(', '),
      }),
      '',
    );
    if (page.items.length === 0) lines.push(ctx.t('campaigns-list-empty'));
    for (const c of page.items) lines.push(line(ctx, c, state.platform === 'all'));
    const rows = page.items.map((c) => [
      InlineKeyboard.text(
        label(`${selected.has(c.id) ? '☑' : '☐'} ${c.id}. ${c.name}`),
        `camp:${sid}:bt:${c.id}`,
      ),
    ]);
    const nav = pager(sid, 'bp', page.page, page.pages);
    if (nav.length) rows.push(nav);
    if (canChange(ctx)) {
      rows.push([
        InlineKeyboard.text(
          ctx.t('campaigns-btn-bulk-delete', { count: state.sel.length }),
          `camp:${sid}:bd`,
        ),
        InlineKeyboard.text(ctx.t('campaigns-btn-bulk-status'), `camp:${sid}:bs`),
      ]);
      rows.push([
        InlineKeyboard.text(ctx.t('campaigns-btn-bulk-duplicate'), await arm(ctx, `camp:${sid}:bu`)),
        InlineKeyboard.text(ctx.t('campaigns-btn-bulk-training'), `camp:${sid}:bg`),
      ]);
    }
    rows.push([
      InlineKeyboard.text(ctx.t('campaigns-btn-bulk-export'), `camp:${sid}:bx`),
      InlineKeyboard.text(ctx.t('campaigns-btn-bulk-clear'), `camp:${sid}:bc`),
    ]);
    rows.push([InlineKeyboard.text(ctx.t('campaigns-btn-back-list'), `camp:${sid}:l`)]);
    await show(ctx, lines.join('\n'), InlineKeyboard.from(rows));
  }

  /** One line per selected campaign: what happened, or why the rule refused it. */
  async function bulkSummary<T>(
    ctx: BotContext,
    sid: string,
    title: string,
    names: Map<number, string>,
    report: BulkReport<T>,
    describe: (result: T) => string,
  ): Promise<void> {
    const lines = [
      ctx.t('campaigns-bulk-summary', { title, done: report.done.length, refused: report.refused.length }),
      '',
    ];
    for (const { id, result } of report.done) {
      lines.push(
        ctx.t('campaigns-bulk-done-line', {
          id: String(id),
          name: names.get(id) ?? '',
          result: describe(result),
        }),
      );
    }
    for (const r of report.refused) {
      lines.push(
        ctx.t('campaigns-bulk-refused-line', {
          id: String(r.id),
          name: names.get(r.id) ?? '',
          reason: refusalText(ctx, r.code, r.params),
        }),
      );
    }
    await show(
      ctx,
      lines.join('\n'),
      new InlineKeyboard()
        .text(ctx.t('campaigns-btn-back-bulk'), `camp:${sid}:b`)
        .text(ctx.t('campaigns-btn-back-list'), `camp:${sid}:l`),
    );
  }

  async function namesOf(ctx: BotContext, ids: readonly number[]): Promise<Map<number, string>> {
    const names = new Map<number, string>();
    for (const id of ids) {
      try {
        names.set(id, (await ctx.deps.services.campaigns.get(id)).name);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    return names;
  }

  function confirmKeyboard(ctx: BotContext, yesLabel: string, yes: string, no: string): InlineKeyboard {
    return new InlineKeyboard().text(yesLabel, yes).text(ctx.t('campaigns-btn-no'), no);
  }

  // ---------- entry points ----------

  async function open(ctx: BotContext): Promise<void> {
    await pending.clear(ctx);
    await platformScreen(ctx);
  }

  feature.command('campaigns', open);
  feature.callbackQuery(
    'home:campaigns',
    pressed(async (ctx) => {
      await pending.clear(ctx);
      await platformScreen(ctx, undefined, { send: true });
    }),
  );

  feature.callbackQuery(
    /^camp:p:([wta])$/,
    pressed(async (ctx) => {
      const platform = PLATFORM_CODES[ctx.match[1]!]!;
      const { sid, state } = await newState(ctx, platform);
      await listScreen(ctx, sid, state);
    }),
  );

  // ---------- list-level presses (need a live list state) ----------

  type ListHandler = (ctx: BotContext, sid: string, state: ListState, arg: string) => PressResult;

  const listPress = (verb: string, handler: ListHandler) =>
    feature.callbackQuery(
      armedPattern(new RegExp(`^camp:([\\w-]+):${verb}(?::([^~]+))?$`)),
      pressed(async (ctx) => {
        const sid = ctx.match[1]!;
        const state = await loadState(ctx, sid);
        if (!state) {
          await platformScreen(ctx, ctx.t('campaigns-list-expired'));
          return { text: ctx.t('campaigns-list-expired') };
        }
        return handler(ctx, sid, state, ctx.match[2] ?? '');
      }),
    );

  listPress('l', async (ctx, sid, state) => listScreen(ctx, sid, state));
  listPress('pl', async (ctx) => platformScreen(ctx));
  listPress('pg', async (ctx, sid, state, arg) => {
    state.page = Math.max(1, Number(arg) || 1);
    await saveState(ctx, sid, state);
    await listScreen(ctx, sid, state);
  });

  listPress('s', async (ctx, sid) => {
    await pending.set(ctx, { kind: 'camp-search', sid });
    await ctx.reply(ctx.t('campaigns-search-prompt'), { reply_markup: cancelKeyboard(ctx) });
  });
  listPress('sx', async (ctx, sid, state) => {
    state.q = '';
    state.page = 1;
    await saveState(ctx, sid, state);
    await listScreen(ctx, sid, state);
  });

  listPress('f', async (ctx, sid, state) => filterScreen(ctx, sid, state));
  listPress('fs', async (ctx, sid, state, arg) => {
    if (!(STATUS_FILTERS as readonly string[]).includes(arg)) return { text: ctx.t('outdated-button') };
    state.status = arg as StatusFilter;
    state.page = 1;
    await saveState(ctx, sid, state);
    await filterScreen(ctx, sid, state);
  });
  listPress('ft', async (ctx, sid, state, arg) => {
    if (!(TRAINING_FILTERS as readonly string[]).includes(arg)) return { text: ctx.t('outdated-button') };
    state.training = arg as TrainingFilter;
    state.page = 1;
    await saveState(ctx, sid, state);
    await filterScreen(ctx, sid, state);
  });
  listPress('fd', async (ctx, sid, state, arg) => {
    if (!(DATE_FILTERS as readonly string[]).includes(arg)) return { text: ctx.t('outdated-button') };
    state.date = arg as DateFilter;
    state.page = 1;
    await saveState(ctx, sid, state);
    await filterScreen(ctx, sid, state);
  });
  listPress('fr', async (ctx, sid, state) => {
    Object.assign(state, { status: 'all', training: 'all', date: 'any', page: 1 });
    await saveState(ctx, sid, state);
    await filterScreen(ctx, sid, state);
  });

  listPress('o', async (ctx, sid, state) => sortScreen(ctx, sid, state));
  listPress('or', async (ctx, sid, state, arg) => {
    const sort = SORTS[Number(arg)];
    if (!sort) return { text: ctx.t('outdated-button') };
    state.sort = sort;
    state.page = 1;
    await saveState(ctx, sid, state);
    await listScreen(ctx, sid, state);
  });

  // ---------- bulk mode ----------

  const needsChange = (ctx: BotContext): PressAnswer | undefined =>
    canChange(ctx) ? undefined : { text: ctx.t('viewer-read-only'), alert: true };
  const needsSelection = (ctx: BotContext, state: ListState): PressAnswer | undefined =>
    state.sel.length > 0 ? undefined : { text: ctx.t('campaigns-bulk-none-selected'), alert: true };

  listPress('b', async (ctx, sid, state) => bulkScreen(ctx, sid, state));
  listPress('bp', async (ctx, sid, state, arg) => {
    state.page = Math.max(1, Number(arg) || 1);
    await saveState(ctx, sid, state);
    await bulkScreen(ctx, sid, state);
  });
  listPress('bt', async (ctx, sid, state, arg) => {
    const id = Number(arg);
    if (!Number.isSafeInteger(id)) return { text: ctx.t('outdated-button') };
    state.sel = state.sel.includes(id) ? state.sel.filter((x) => x !== id) : [...state.sel, id];
    await saveState(ctx, sid, state);
    await bulkScreen(ctx, sid, state);
  });
  listPress('bc', async (ctx, sid, state) => {
    state.sel = [];
    await saveState(ctx, sid, state);
    await bulkScreen(ctx, sid, state);
  });

  listPress('bd', async (ctx, sid, state) => {
    const refusal = needsChange(ctx) ?? needsSelection(ctx, state);
    if (refusal) return refusal;
    await show(
      ctx,
      ctx.t('campaigns-bulk-delete-confirm', {
        count: state.sel.length,
        ids: state.sel.map((id) => `#${id}`).join(', '),
      }),
      confirmKeyboard(
        ctx,
        ctx.t('campaigns-btn-bulk-delete-yes', { count: state.sel.length }),
        await arm(ctx, `camp:${sid}:bdy`),
        `camp:${sid}:b`,
      ),
    );
  });
  listPress('bdy', async (ctx, sid, state) => {
    const refusal = needsChange(ctx) ?? needsSelection(ctx, state);
    if (refusal) return refusal;
    if (!(await disarm(ctx))) return expiredAnswer(ctx);
    const ids = state.sel;
    const names = await namesOf(ctx, ids);
    const report = await ctx.deps.services.bulk.remove(ids, uid(ctx));
    state.sel = [];
    await saveState(ctx, sid, state);
    await bulkSummary(ctx, sid, ctx.t('campaigns-bulk-delete-title'), names, report, (outcome) =>
      ctx.t('campaigns-bulk-outcome', { outcome }),
    );
  });

  listPress('bs', async (ctx, sid, state) => {
    const refusal = needsChange(ctx) ?? needsSelection(ctx, state);
    if (refusal) return refusal;
    const rows = chunk(
      BULK_STATUS_ACTIONS.map((a) =>
        InlineKeyboard.text(ctx.t('campaigns-bulk-action', { action: a }), `camp:${sid}:bsa:${a}`),
      ),
      2,
    );
    rows.push([InlineKeyboard.text(ctx.t('campaigns-btn-back-bulk'), `camp:${sid}:b`)]);
    await show(
      ctx,
      ctx.t('campaigns-bulk-status-title', { count: state.sel.length }),
      InlineKeyboard.from(rows),
    );
  });
  listPress('bsa', async (ctx, sid, state, arg) => {
    const refusal = needsChange(ctx) ?? needsSelection(ctx, state);
    if (refusal) return refusal;
    if (!(BULK_STATUS_ACTIONS as readonly string[]).includes(arg)) return { text: ctx.t('outdated-button') };
    const action = ctx.t('campaigns-bulk-action', { action: arg });
    await show(
      ctx,
      ctx.t('campaigns-bulk-status-confirm', { action, count: state.sel.length }),
      confirmKeyboard(
        ctx,
        ctx.t('campaigns-btn-yes-apply', { action }),
        await arm(ctx, `camp:${sid}:bsy:${arg}`),
        `camp:${sid}:bs`,
      ),
    );
  });
  listPress('bsy', async (ctx, sid, state, arg) => {
    const refusal = needsChange(ctx) ?? needsSelection(ctx, state);
    if (refusal) return refusal;
    if (!(await disarm(ctx))) return expiredAnswer(ctx);
    if (!(BULK_STATUS_ACTIONS as readonly string[]).includes(arg)) return { text: ctx.t('outdated-button') };
    const ids = state.sel;
    const names = await namesOf(ctx, ids);
    const report = await ctx.deps.services.bulk.changeStatus(ids, arg as BulkStatusAction, uid(ctx));
    state.sel = [];
    await saveState(ctx, sid, state);
    await bulkSummary(ctx, sid, ctx.t('campaigns-bulk-action', { action: arg }), names, report, (status) =>
      ctx.t('campaigns-bulk-now', { status: statusText(ctx, status) }),
    );
  });

  listPress('bu', async (ctx, sid, state) => {
    const refusal = needsChange(ctx) ?? needsSelection(ctx, state);
    if (refusal) return refusal;
    if (!(await disarm(ctx))) return expiredAnswer(ctx);
    const ids = state.sel;
    const names = await namesOf(ctx, ids);
    const report = await ctx.deps.services.bulk.duplicate(ids, uid(ctx));
    state.sel = [];
    await saveState(ctx, sid, state);
    await bulkSummary(ctx, sid, ctx.t('campaigns-bulk-duplicate-title'), names, report, (copy) =>
      ctx.t('campaigns-bulk-copied', { id: String(copy) }),
    );
  });

  listPress('bg', async (ctx, sid, state) => {
    const refusal = needsChange(ctx) ?? needsSelection(ctx, state);
    if (refusal) return refusal;
    const choices = [];
    for (const tr of TRAININGS) {
      const data = await arm(ctx, `camp:${sid}:bgy:${TRAINING_CODES[tr]}`);
      choices.push(InlineKeyboard.text(ctx.t('campaigns-training', { training: tr }), data));
    }
    const rows = [choices, [InlineKeyboard.text(ctx.t('campaigns-btn-back-bulk'), `camp:${sid}:b`)]];
    await show(
      ctx,
      ctx.t('campaigns-bulk-training-title', { count: state.sel.length }),
      InlineKeyboard.from(rows),
    );
  });
  listPress('bgy', async (ctx, sid, state, arg) => {
    const refusal = needsChange(ctx) ?? needsSelection(ctx, state);
    if (refusal) return refusal;
    if (!(await disarm(ctx))) return expiredAnswer(ctx);
    const training = BULK_TRAINING_CODES[arg];
    if (!training) return { text: ctx.t('outdated-button') };
    const ids = state.sel;
    const names = await namesOf(ctx, ids);
    const report = await ctx.deps.services.bulk.setTraining(ids, training, uid(ctx));
    state.sel = [];
    await saveState(ctx, sid, state);
    await bulkSummary(ctx, sid, ctx.t('campaigns-bulk-training-done-title'), names, report, (t) =>
      ctx.t('campaigns-training', { training: t }),
    );
  });

  listPress('bx', async (ctx, _sid, state) => {
    const zone = await ctx.deps.services.admins.timeZoneOf(uid(ctx));
    const csv = await ctx.deps.services.campaigns.exportCsv(
      state.sel.length > 0 ? { ids: state.sel, sort: state.sort } : query(state, zone),
    );
    const rows = Math.max(0, csv.split('\r\n').length - 2);
    await ctx.replyWithDocument(new InputFile(Buffer.from(csv, 'utf8'), 'campaigns.csv'), {
      caption: ctx.t('campaigns-export-caption', { count: rows }),
    });
    return { text: ctx.t('campaigns-export-sent', { count: rows }) };
  });

  // ---------- cards ----------

  /** The list state for a card press; an expired one is replaced so that Back still works. */
  async function stateFor(
    ctx: BotContext,
    sid: string,
    platform: Platform,
  ): Promise<{ sid: string; state: ListState }> {
    const state = await loadState(ctx, sid);
    return state ? { sid, state } : newState(ctx, platform);
  }

  feature.callbackQuery(
    /^camp:([\w-]+):c:(\d+)$/,
    pressed(async (ctx) => {
      const id = Number(ctx.match[2]);
      const campaign = await findCampaign(ctx, id);
      if (!campaign) return gone(ctx, ctx.match[1]!, id);
      const { sid } = await stateFor(ctx, ctx.match[1]!, campaign.platform);
      await showCard(ctx, sid, campaign);
    }),
  );

  async function findCampaign(ctx: BotContext, id: number): Promise<Campaign | null> {
    try {
      const c = await ctx.deps.services.campaigns.get(id);
      return c.status === 'archived' ? null : c;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  async function gone(ctx: BotContext, sid: string, id: number): Promise<PressAnswer> {
    const notice = ctx.t('campaigns-gone', { id: String(id) });
    const state = await loadState(ctx, sid);
    if (state) await listScreen(ctx, sid, state, { notice });
    else await platformScreen(ctx, notice);
    return { text: notice, alert: true };
  }

  async function publishedRefusal(ctx: BotContext, sid: string, c: Campaign): Promise<PressAnswer> {
    const text = ctx.t('campaigns-edit-published');
    await show(
      ctx,
      `${text}\n\n${cardText(ctx, c, await progressOf(ctx, c))}`,
      new InlineKeyboard()
        .text(ctx.t('campaigns-btn-duplicate'), `camp:${sid}:a:${c.id}:${STATUS_CODES[c.status]}:du`)
        .text(ctx.t('campaigns-btn-back-card'), `camp:${sid}:c:${c.id}`),
    );
    return { text, alert: true };
  }

  feature.callbackQuery(
    armedPattern(/^camp:([\w-]+):a:(\d+):([a-z]):([a-z]{2})$/),
    pressed(async (ctx) => {
      const [, rawSid, rawId, code, verb] = ctx.match as unknown as [string, string, string, string, string];
      const action = VERBS[verb];
      if (!action) return { text: ctx.t('outdated-button') };
      const id = Number(rawId);
      const campaign = await findCampaign(ctx, id);
      if (!campaign) return gone(ctx, rawSid, id);
      const { sid } = await stateFor(ctx, rawSid, campaign.platform);

      if (!READ_ONLY_VERBS.has(verb) && !canChange(ctx)) {
        await showCard(ctx, sid, campaign);
        return { text: ctx.t('viewer-read-only'), alert: true };
      }
      if (action === 'edit' && !canEdit(campaign.status)) {
        if (campaign.status === 'published') return publishedRefusal(ctx, sid, campaign);
      }
      const changed = STATUS_CODES[campaign.status] !== code && !STATUS_FREE_VERBS.has(verb);
      if (changed || !cardActions(ctx, campaign).includes(action)) {
        const notice = ctx.t('campaigns-outdated-card', {
          id: String(id),
          status: statusText(ctx, campaign.status),
        });
        await showCard(ctx, sid, campaign, notice);
        return { text: notice, alert: true };
      }
      if (ARMED_VERBS.has(verb) && !(await disarm(ctx))) return expiredAnswer(ctx);
      return runCardVerb(ctx, sid, campaign, verb);
    }),
  );

  async function runCardVerb(
    ctx: BotContext,
    sid: string,
    c: Campaign,
    verb: string,
  ): Promise<PressAnswer | undefined> {
    const services = ctx.deps.services;
    const actor = uid(ctx);
    const code = STATUS_CODES[c.status];
    const data = (v: string) => `camp:${sid}:a:${c.id}:${code}:${v}`;
    const yes = (v: string) => arm(ctx, data(v));
    const back = `camp:${sid}:c:${c.id}`;
    const ref = { id: String(c.id), name: c.name };

    /** Runs a change; a rule violation (e.g. a race with the dispatcher) redraws the card and says why. */
    const change = async (run: () => Promise<Campaign>, noticeKey: string): Promise<PressAnswer> => {
      try {
        const updated = await run();
        const notice = ctx.t(noticeKey, { ...ref, status: statusText(ctx, updated.status) });
        await showCard(ctx, sid, updated, notice);
        return { text: notice };
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        const notice = errorText(ctx, err);
        const fresh = await findCampaign(ctx, c.id);
        if (fresh) await showCard(ctx, sid, fresh, `⚠️ ${notice}`);
        return { text: notice, alert: true };
      }
    };

    switch (verb) {
      case 'fe':
        return change(
          () => services.campaigns.setFeatured(c.id, !c.featured, actor),
          c.featured ? 'campaigns-unfeatured' : 'campaigns-featured',
        );
      case 'ed':
        await show(
          ctx,
          ctx.t('campaigns-edit-menu', ref),
          new InlineKeyboard()
            .text(ctx.t('campaigns-btn-edit-name'), data('en'))
            .text(ctx.t('campaigns-btn-edit-message'), data('em'))
            .row()
            .text(ctx.t('campaigns-btn-edit-schedule'), data('es'))
            .text(ctx.t('campaigns-btn-back-card'), back),
        );
        return undefined;
      case 'en':
        await pending.set(ctx, { kind: 'camp-edit', field: 'name', id: c.id, sid });
        await ctx.reply(ctx.t('campaigns-edit-name-prompt', ref), { reply_markup: cancelKeyboard(ctx) });
        return undefined;
      case 'em':
        await pending.set(ctx, { kind: 'camp-edit', field: 'message', id: c.id, sid });
        await ctx.reply(
          ctx.t('campaigns-edit-message-prompt', { ...ref, text: clip(c.message.text || '—', 1500) }),
          {
            reply_markup: cancelKeyboard(ctx),
          },
        );
        return undefined;
      case 'es':
        await pending.set(ctx, { kind: 'camp-edit', field: 'schedule', id: c.id, sid });
        await ctx.reply(
          ctx.t('campaigns-edit-schedule-prompt', {
            ...ref,
            zone: c.schedule.zone,
            current: scheduleText(ctx, c),
          }),
          { reply_markup: cancelKeyboard(ctx) },
        );
        return undefined;
      case 'sc':
        await pending.set(ctx, { kind: 'camp-schedule', id: c.id, sid });
        await ctx.reply(ctx.t('campaigns-schedule-prompt', { ...ref, zone: c.schedule.zone }), {
          reply_markup: cancelKeyboard(ctx),
        });
        return undefined;
      case 'sy': {
        const p = await pending.mine(ctx, 'camp-schedule-confirm');
        if (!p || p.id !== c.id) {
          await showCard(ctx, sid, c);
          return { text: ctx.t('outdated-button'), alert: true };
        }
        await pending.clear(ctx);
        const input = { date: String(p.date), time: String(p.time), zone: String(p.zone) };
        return change(() => services.campaigns.schedule(c.id, input, actor), 'campaigns-scheduled');
      }
      case 'de': {
        const outcome = deleteOutcome(c.status);
        await show(
          ctx,
          ctx.t(
            outcome === 'archive' ? 'campaigns-delete-confirm-archive' : 'campaigns-delete-confirm-remove',
            ref,
          ),
          confirmKeyboard(ctx, ctx.t('campaigns-btn-delete-yes'), await yes('dy'), back),
        );
        return undefined;
      }
      case 'dy': {
        let outcome: string;
        try {
          outcome = await services.campaigns.remove(c.id, actor);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          const notice = errorText(ctx, err);
          const fresh = await findCampaign(ctx, c.id);
          if (fresh) await showCard(ctx, sid, fresh, `⚠️ ${notice}`);
          return { text: notice, alert: true };
        }
        const notice = ctx.t(outcome === 'archive' ? 'campaigns-archived' : 'campaigns-deleted', ref);
        const state = await loadState(ctx, sid);
        if (state) {
          state.sel = state.sel.filter((x) => x !== c.id);
          await saveState(ctx, sid, state);
          await listScreen(ctx, sid, state, { notice });
        } else {
          await platformScreen(ctx, notice);
        }
        return { text: notice };
      }
      case 'du': {
        const copy = await services.campaigns.duplicate(c.id, actor);
        const notice = ctx.t('campaigns-duplicated', {
          id: String(copy.id),
          name: copy.name,
          from: String(c.id),
        });
        await showCard(ctx, sid, copy, notice);
        return { text: notice };
      }
      case 'ca':
        await show(
          ctx,
          ctx.t('campaigns-cancel-confirm', ref),
          confirmKeyboard(ctx, ctx.t('campaigns-btn-cancel-yes'), await yes('cy'), back),
        );
        return undefined;
      case 'cy':
        return change(() => services.campaigns.cancel(c.id, actor), 'campaigns-cancelled');
      case 'pa':
        return change(() => services.campaigns.pause(c.id, actor), 'campaigns-paused');
      case 're':
        await show(
          ctx,
          ctx.t('campaigns-resume-confirm', ref),
          confirmKeyboard(ctx, ctx.t('campaigns-btn-resume-yes'), await yes('ry'), back),
        );
        return undefined;
      case 'ry':
        return change(() => services.campaigns.resume(c.id, actor), 'campaigns-resumed');
      case 'rt': {
        const stats = await services.analytics.campaignStats(c.id, c.run);
        await show(
          ctx,
          ctx.t('campaigns-retry-confirm', { ...ref, count: stats.failed }),
          confirmKeyboard(
            ctx,
            ctx.t('campaigns-btn-retry-yes', { count: stats.failed }),
            await yes('ty'),
            back,
          ),
        );
        return undefined;
      }
      case 'ty':
        return change(() => services.campaigns.retry(c.id, actor), 'campaigns-retried');
      case 'sn': {
        const reach = await services.audience.estimateReach(c.audience);
        await show(
          ctx,
          ctx.t('campaigns-send-now-confirm', { ...ref, reach }),
          confirmKeyboard(ctx, ctx.t('campaigns-btn-send-now-yes'), await yes('ny'), back),
        );
        return undefined;
      }
      case 'ny':
        return change(() => services.campaigns.sendNow(c.id, actor), 'campaigns-sent-now');
      case 'te': {
        const sender = ctx.deps.testSender;
        if (!sender) return { text: ctx.t('outdated-button') };
        try {
          await sender.sendCampaignTest({ campaignId: c.id, adminId: actor });
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          return { text: errorText(ctx, err), alert: true };
        }
        return { text: ctx.t('campaigns-test-sent', ref) };
      }
      case 'st': {
        const text = await statsText(ctx, c);
        await show(
          ctx,
          text,
          statsActions(ctx, c)
            .text(ctx.t('campaigns-btn-refresh'), data('st'))
            .text(ctx.t('campaigns-btn-back-card'), back),
        );
        return undefined;
      }
      default:
        return { text: ctx.t('outdated-button') };
    }
  }

  // ---------- typed answers ----------

  feature.on('message:text', async (ctx, next) => {
    if (ctx.message.text.startsWith('/')) return next();
    const p = await pending.mine(ctx, 'camp-');
    if (!p) return next();
    const text = ctx.message.text;
    if (p.kind === 'camp-search') return onSearch(ctx, p, text);
    if (!canChange(ctx)) {
      await pending.clear(ctx);
      await ctx.reply(ctx.t('viewer-read-only'));
      return;
    }
    if (p.kind === 'camp-edit') return onEdit(ctx, p, text);
    if (p.kind === 'camp-schedule' || p.kind === 'camp-schedule-confirm') return onSchedule(ctx, p, text);
    return next();
  });

  async function onSearch(ctx: BotContext, p: Pending, text: string): Promise<void> {
    const sid = String(p.sid);
    let state = await loadState(ctx, sid);
    let listSid = sid;
    if (!state) ({ sid: listSid, state } = await newState(ctx, 'all'));
    await pending.clear(ctx);
    state.q = clip(text.trim(), 100);
    state.page = 1;
    await saveState(ctx, listSid, state);
    await listScreen(ctx, listSid, state, { send: true });
  }

  async function editableNow(
    ctx: BotContext,
    p: Pending,
  ): Promise<{ sid: string; campaign: Campaign } | null> {
    const id = Number(p.id);
    const campaign = await findCampaign(ctx, id);
    if (!campaign) {
      await pending.clear(ctx);
      await ctx.reply(ctx.t('campaigns-gone', { id: String(id) }));
      return null;
    }
    const { sid } = await stateFor(ctx, String(p.sid), campaign.platform);
    if (!canEdit(campaign.status)) {
      await pending.clear(ctx);
      if (campaign.status === 'published') {
        await ctx.reply(ctx.t('campaigns-edit-published'), {
          reply_markup: new InlineKeyboard()
            .text(
              ctx.t('campaigns-btn-duplicate'),
              `camp:${sid}:a:${campaign.id}:${STATUS_CODES.published}:du`,
            )
            .text(ctx.t('campaigns-btn-back-card'), `camp:${sid}:c:${campaign.id}`),
        });
      } else {
        await sendCard(ctx, sid, campaign, ctx.t('error-campaign-not-editable', { status: campaign.status }));
      }
      return null;
    }
    return { sid, campaign };
  }

  async function onEdit(ctx: BotContext, p: Pending, text: string): Promise<void> {
    const found = await editableNow(ctx, p);
    if (!found) return;
    const { sid, campaign: c } = found;
    try {
      let updated: Campaign;
      const services = ctx.deps.services;
      if (p.field === 'name') {
        updated = await services.campaigns.update(c.id, { name: text }, uid(ctx));
      } else if (p.field === 'message') {
        updated = await services.campaigns.update(c.id, { message: { ...c.message, text } }, uid(ctx));
      } else {
        const input = parseScheduleInput(text, c.schedule.zone);
        updated = await services.campaigns.update(
          c.id,
          {
            schedule: {
              ...input,
              frequency: c.schedule.frequency,
              ...(c.schedule.cron ? { cron: c.schedule.cron } : {}),
              ...(c.schedule.endDate ? { endDate: c.schedule.endDate } : {}),
            },
          },
          uid(ctx),
        );
      }
      await pending.clear(ctx);
      await sendCard(ctx, sid, updated, ctx.t('campaigns-saved', { id: String(c.id) }));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'campaign-not-editable' || err.code === 'concurrent-change') {
        await editableNow(ctx, p);
        return;
      }
      await ctx.reply(ctx.t('campaigns-try-again', { error: errorText(ctx, err) }));
    }
  }

  async function onSchedule(ctx: BotContext, p: Pending, text: string): Promise<void> {
    const id = Number(p.id);
    const c = await findCampaign(ctx, id);
    if (c?.status !== 'draft') {
      await pending.clear(ctx);
      if (c) {
        const { sid } = await stateFor(ctx, String(p.sid), c.platform);
        await sendCard(
          ctx,
          sid,
          c,
          ctx.t('campaigns-outdated-card', { id: String(id), status: statusText(ctx, c.status) }),
        );
      } else {
        await ctx.reply(ctx.t('campaigns-gone', { id: String(id) }));
      }
      return;
    }
    const { sid } = await stateFor(ctx, String(p.sid), c.platform);
    try {
      const input = parseScheduleInput(text, c.schedule.zone);
      const at = localToInstant(input);
      assertFuture(at, new Date());
      await pending.set(ctx, { kind: 'camp-schedule-confirm', id, sid, ...input });
      await ctx.reply(
        ctx.t('campaigns-schedule-confirm', {
          id: String(id),
          name: c.name,
          when: formatInZone(at, input.zone),
        }),
        {
          reply_markup: new InlineKeyboard()
            .text(
              ctx.t('campaigns-btn-schedule-yes'),
              await arm(ctx, `camp:${sid}:a:${id}:${STATUS_CODES.draft}:sy`),
            )
            .text(ctx.t('campaigns-btn-no'), `camp:${sid}:c:${id}`),
        },
      );
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await ctx.reply(ctx.t('campaigns-try-again', { error: errorText(ctx, err) }));
    }
  }

  return composer;
}
