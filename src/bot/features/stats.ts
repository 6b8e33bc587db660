import { type AutoChatActionFlavor, autoChatAction } from '@grammyjs/auto-chat-action';
import { Composer, InlineKeyboard, InputFile, type Middleware } from 'grammy';
import { type CampaignStats, FAILURE_REASONS, formatPercent } from '../../domain/analytics.js';
import { STATUS_ICONS } from '../../domain/campaign.js';
import { NotFoundError } from '../../domain/errors.js';
import { formatInZone } from '../../domain/schedule.js';
import type { CampaignReport } from '../../services/analytics.service.js';
import { funnelChart, timelineChart } from '../../services/charts.js';
import type { Campaign } from '../../services/index.js';
import { messageLinks, trackingSettings } from '../../services/tracking.service.js';
import type { BotContext } from '../context.js';
import { canChange, isAdmin } from '../filters.js';
import { cancelKeyboard, createPendingInput } from './pending-input.js';
import { errorText, label, pressed, show } from './screen.js';

/** The seed lists these four reasons always (zeros included); the others only when they occur. */
const ALWAYS_SHOWN_REASONS = new Set(['invalid_number', 'blocked', 'network', 'platform_restriction']);
const RECENT = 10;
const RANGES = ['7', '30', 'all'] as const;
type Range = (typeof RANGES)[number];
const DEFAULT_RANGE: Range = '30';
/** runs listed one by one on the card (the newest); all of them are in the totals and the CSV */
const RUN_LINES = 10;

const pct = (value: number) => formatPercent(value);
const uid = (ctx: BotContext) => ctx.from?.id ?? 0;

async function zoneOf(ctx: BotContext): Promise<string> {
  return ctx.deps.services.admins.timeZoneOf(uid(ctx));
}

function figureLines(
  ctx: BotContext,
  s: CampaignStats,
  whatsapp: boolean,
  totalClicks: number,
  reactions: number,
): string[] {
  const lines = [
    ctx.t('stats-sent', { count: s.sent }),
    ctx.t('stats-delivered', { count: s.delivered, percent: pct(s.percent.delivered) }),
    ctx.t('stats-failed', { count: s.failed, percent: pct(s.percent.failed) }),
  ];
  if (whatsapp) {
    lines.push(ctx.t('stats-read', { count: s.read, percent: pct(s.percent.read) }));
    lines.push(ctx.t('stats-clicked', { count: s.clicked, percent: pct(s.percent.clicked) }));
    lines.push(ctx.t('stats-responses', { count: s.responses, percent: pct(s.percent.responses) }));
  } else {
    lines.push(ctx.t('stats-views-na'));
    lines.push(ctx.t('stats-clicked-tracked', { count: s.clicked, percent: pct(s.percent.clicked) }));
    lines.push(ctx.t('stats-shares-na'));
    lines.push(ctx.t('stats-reactions', { count: reactions }));
  }
  if (totalClicks > s.clicked) lines.push(ctx.t('stats-total-clicks', { count: totalClicks }));
  if (s.unknown > 0) {
    const share = s.sent > 0 ? Math.round((s.unknown / s.sent) * 1000) / 10 : 0;
    lines.push(ctx.t('stats-unknown', { count: s.unknown, percent: pct(share) }));
  }
  return lines;
}

function trackingLines(ctx: BotContext, campaign: Campaign): string[] {
  const state = ctx.deps.services.tracking.state(campaign.settings);
  const base = ctx.deps.config.PUBLIC_URL ?? '';
  const lines = [
    state === 'on'
      ? ctx.t('stats-tracking-on', { url: base })
      : ctx.t(state === 'off_campaign' ? 'stats-tracking-off-campaign' : 'stats-tracking-off-no-url'),
  ];
  const { goalUrl } = trackingSettings(campaign.settings);
  lines.push(goalUrl ? ctx.t('stats-goal', { url: goalUrl }) : ctx.t('stats-goal-none'));
  return lines;
}

/** For the campaign card: whether its links will be tracked (nothing when it has no links). */
export function trackingNote(ctx: BotContext, campaign: Campaign): string[] {
  if (messageLinks(campaign.message).length === 0) return [];
  return [trackingLines(ctx, campaign)[0] as string];
}

/**
 * The seed's "Campaign Analytics" for one campaign, every percentage a share of the messages sent:
 * the platform's figures, the delivery-status table, failure reasons, engagement, click tracking,
 * and for a recurring campaign each run (the figures above are all runs together).
 */
export async function statsText(ctx: BotContext, campaign: Campaign): Promise<string> {
  const [report, zone] = await Promise.all([
    ctx.deps.services.analytics.campaignReport(campaign.id),
    zoneOf(ctx),
  ]);
  return reportText(ctx, report, zone);
}

function reportText(ctx: BotContext, report: CampaignReport, zone: string): string {
  const { campaign, total: s } = report;
  const whatsapp = campaign.platform === 'whatsapp';
  const lines = [
    ctx.t('stats-title', { id: String(campaign.id), name: campaign.name }),
    ctx.t('stats-subtitle', {
      platform: ctx.t('campaigns-platform', { platform: campaign.platform }),
      status: `${STATUS_ICONS[campaign.status]} ${ctx.t('campaigns-status', { status: campaign.status })}`,
    }),
    '─────────────────────',
  ];
  if (s.total === 0) {
    lines.push(ctx.t('stats-nothing-sent'), '', ...trackingLines(ctx, campaign));
    return lines.join('\n');
  }
  lines.push(...figureLines(ctx, s, whatsapp, report.totalClicks, report.reactions));

  lines.push('', ctx.t('stats-delivery-title'));
  lines.push(ctx.t('stats-row-delivered', { count: s.delivered, percent: pct(s.percent.delivered) }));
  if (whatsapp) lines.push(ctx.t('stats-row-read', { count: s.read, percent: pct(s.percent.read) }));
  lines.push(ctx.t('stats-row-failed', { count: s.failed, percent: pct(s.percent.failed) }));
  lines.push(ctx.t('stats-row-pending', { count: s.pending, percent: pct(s.percent.pending) }));

  lines.push('', ctx.t('stats-reasons-title'));
  for (const reason of FAILURE_REASONS) {
    const count = s.failureReasons[reason];
    if (count > 0 || ALWAYS_SHOWN_REASONS.has(reason)) lines.push(ctx.t('stats-reason', { reason, count }));
  }

  lines.push('', ctx.t('stats-engagement-title'));
  lines.push(ctx.t('stats-ctr', { percent: pct(s.engagement.clickThroughRate) }));
  if (whatsapp) lines.push(ctx.t('stats-response-rate', { percent: pct(s.engagement.responseRate) }));
  lines.push(ctx.t('stats-conversion-rate', { percent: pct(s.engagement.conversionRate) }));
  if (whatsapp) {
    lines.push(ctx.t('stats-response-time', { minutes: s.engagement.averageResponseMinutes }));
  } else {
    lines.push('', ctx.t('stats-telegram-limits'));
  }

  if (report.runs.length > 1) {
    lines.push('', ctx.t('stats-runs-title'));
    const shown = report.runs.slice(-RUN_LINES);
    const offset = report.runs.length - shown.length;
    shown.forEach((r, i) => {
      lines.push(
        ctx.t('stats-run-line', {
          n: offset + i + 1,
          when: r.startedAt ? formatInZone(r.startedAt, zone) : ctx.t('stats-run-when-unknown'),
          sent: r.stats.sent,
          delivered: r.stats.delivered,
          clicked: r.stats.clicked,
          ctr: pct(r.stats.engagement.clickThroughRate),
        }),
      );
    });
    lines.push(ctx.t('stats-all-runs', { count: report.runs.length }));
  }

  lines.push('', ...trackingLines(ctx, campaign));
  lines.push('', ctx.t('stats-updated', { when: formatInZone(new Date(), zone) }));
  return lines.join('\n');
}

const REPLIES_SHOWN = 10;

/** Who wrote a reply: the WhatsApp number (admins follow up on it), or the subscriber's name. */
async function senderName(ctx: BotContext, recipient: string): Promise<string> {
  if (recipient.startsWith('wa:')) return recipient.slice(3);
  const id = Number(recipient.slice(3));
  const sub = Number.isSafeInteger(id) ? await ctx.deps.services.subscribers.get(id) : null;
  const name = [sub?.firstName, sub?.lastName].filter(Boolean).join(' ');
  return name ? `${name} (${id})` : String(id);
}

/** Charts, CSV, tracking and goal buttons, for /stats and for the campaign card's stats screen. */
export function statsActions(ctx: BotContext, campaign: Campaign): InlineKeyboard {
  const kb = new InlineKeyboard()
    .text(ctx.t('stats-btn-charts'), `stats:g:${campaign.id}`)
    .text(ctx.t('stats-btn-csv'), `stats:x:${campaign.id}`)
    .row()
    .text(ctx.t('stats-btn-replies'), `stats:r:${campaign.id}`);
  if (canChange(ctx)) {
    const on = trackingSettings(campaign.settings).trackClicks !== false;
    kb.row()
      .text(
        ctx.t(on ? 'stats-btn-tracking-off' : 'stats-btn-tracking-on'),
        `stats:t:${campaign.id}:${on ? 0 : 1}`,
      )
      .text(ctx.t('stats-btn-goal'), `stats:u:${campaign.id}`);
  }
  return kb.row();
}

/** /stats [id]: one campaign's figures, or the overview and a list of recent campaigns to pick from. */
export function statsFeature(storagePrefix = 'mb:'): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);
  // "typing…" repeated until the answer is out (Telegram clears a chat action after 5 s, and the
  // figures can take longer over many deliveries), "sending photo/file…" while charts and CSVs upload.
  feature.use(autoChatAction() as unknown as Middleware<BotContext>);
  const pending = createPendingInput(storagePrefix);

  async function overviewLines(ctx: BotContext, range: Range): Promise<string[]> {
    const o = await ctx.deps.services.analytics.overview(range === 'all' ? {} : { days: Number(range) });
    const lines = [ctx.t('stats-overview-title', { days: range === 'all' ? range : Number(range) })];
    if (o.sent === 0) return [...lines, ctx.t('stats-overview-empty')];
    lines.push(
      ctx.t('stats-overview-totals', {
        campaigns: o.campaigns,
        sent: o.sent,
        delivered: o.delivered,
        deliveredPercent: pct(o.percent.delivered),
        failed: o.failed,
        failedPercent: pct(o.percent.failed),
        clicked: o.clicked,
        clickedPercent: pct(o.percent.clicked),
      }),
    );
    if (o.top.length > 0) {
      lines.push('', ctx.t('stats-top-title'));
      o.top.forEach((c, i) => {
        lines.push(
          ctx.t('stats-top-line', {
            rank: i + 1,
            id: String(c.id),
            name: c.name,
            ctr: pct(c.clickThroughRate),
            clicked: c.clicked,
            sent: c.sent,
          }),
        );
      });
    }
    return lines;
  }

  async function recentList(ctx: BotContext, opts: { send?: boolean; range?: Range } = {}): Promise<void> {
    const range = opts.range ?? DEFAULT_RANGE;
    const page = await ctx.deps.services.campaigns.list({ sort: 'recent', page: 1, pageSize: RECENT });
    if (page.items.length === 0) {
      await show(ctx, ctx.t('stats-no-campaigns'), undefined, opts);
      return;
    }
    const lines = [...(await overviewLines(ctx, range)), '', ctx.t('stats-pick'), ''];
    for (const c of page.items) {
      lines.push(
        ctx.t('stats-pick-line', {
          id: String(c.id),
          name: c.name,
          status: `${STATUS_ICONS[c.status]} ${ctx.t('campaigns-status', { status: c.status })}`,
        }),
      );
    }
    const keyboard = new InlineKeyboard();
    for (const r of RANGES) {
      const days = r === 'all' ? r : Number(r);
      keyboard.text(`${r === range ? '• ' : ''}${ctx.t('stats-btn-range', { days })}`, `stats:o:${r}`);
    }
    for (const c of page.items) keyboard.row().text(label(`${c.id}. ${c.name}`), `stats:c:${c.id}`);
    await show(ctx, lines.join('\n'), keyboard, opts);
  }

  async function find(ctx: BotContext, id: number): Promise<Campaign | undefined> {
    try {
      return await ctx.deps.services.campaigns.get(id);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  async function campaignStats(ctx: BotContext, id: number, opts: { send?: boolean } = {}): Promise<boolean> {
    const campaign = await find(ctx, id);
    if (!campaign) return false;
    const keyboard = statsActions(ctx, campaign)
      .text(ctx.t('stats-btn-refresh'), `stats:c:${id}`)
      .text(ctx.t('stats-btn-list'), 'stats:l');
    await show(ctx, await statsText(ctx, campaign), keyboard, opts);
    return true;
  }

  async function sendCharts(ctx: BotContext, campaign: Campaign): Promise<boolean> {
    const zone = await zoneOf(ctx);
    const [report, timeline] = await Promise.all([
      ctx.deps.services.analytics.campaignReport(campaign.id),
      ctx.deps.services.analytics.timeline(campaign.id, zone),
    ]);
    const s = report.total;
    if (s.sent === 0) return false;
    const stages: [string, number, number][] =
      campaign.platform === 'whatsapp'
        ? [
            ['sent', s.sent, 100],
            ['delivered', s.delivered, s.percent.delivered],
            ['read', s.read, s.percent.read],
            ['clicked', s.clicked, s.percent.clicked],
            ['responses', s.responses, s.percent.responses],
            ['converted', s.conversions, s.percent.conversions],
          ]
        : [
            ['sent', s.sent, 100],
            ['delivered', s.delivered, s.percent.delivered],
            ['clicked', s.clicked, s.percent.clicked],
            ['converted', s.conversions, s.percent.conversions],
          ];
    const funnel = funnelChart({
      title: ctx.t('stats-chart-funnel-title', { id: String(campaign.id) }),
      labels: stages.map(([stage, count, percent]) =>
        ctx.t('stats-funnel-stage', { stage, count, percent: pct(percent) }),
      ),
      values: stages.map(([, count]) => count),
    });
    const caption = ctx.t('stats-charts-caption', { id: String(campaign.id), name: campaign.name });
    await ctx.replyWithPhoto(new InputFile(funnel, `campaign-${campaign.id}-funnel.png`), { caption });
    if (timeline.labels.length > 0) {
      const chart = timelineChart({
        title: ctx.t('stats-chart-timeline-title', { id: String(campaign.id), unit: timeline.unit, zone }),
        labels: timeline.labels,
        series: [
          { label: ctx.t('stats-chart-sends'), values: timeline.sends },
          { label: ctx.t('stats-chart-clicks'), values: timeline.clicks },
        ],
      });
      await ctx.replyWithPhoto(new InputFile(chart, `campaign-${campaign.id}-timeline.png`), { caption });
    }
    return true;
  }

  async function sendCsv(ctx: BotContext, campaign: Campaign): Promise<void> {
    const zone = await zoneOf(ctx);
    const analytics = ctx.deps.services.analytics;
    const header = analytics.exportFields.map((field) => ctx.t('stats-csv-header', { field }));
    const { csv, rows } = await analytics.deliveriesCsv(campaign.id, zone, header);
    // The byte-order mark makes spreadsheet programs read the file as UTF-8 (names in Cyrillic…).
    await ctx.replyWithDocument(
      new InputFile(Buffer.from(`\ufeff${csv}`, 'utf8'), `campaign-${campaign.id}-deliveries.csv`),
      { caption: ctx.t('stats-csv-caption', { id: String(campaign.id), rows, zone }) },
    );
  }

  feature.command('stats', async (ctx) => {
    // The figures can take seconds over many deliveries (FerretDB reads them all).
    (ctx as BotContext & AutoChatActionFlavor).chatAction = 'typing';
    const arg = ctx.match.trim().replace(/^#/, '');
    if (arg === '') return recentList(ctx);
    const id = Number(arg);
    if (!/^\d+$/.test(arg) || !Number.isSafeInteger(id)) {
      await ctx.reply(ctx.t('stats-usage', { arg }));
      return;
    }
    if (!(await campaignStats(ctx, id))) await ctx.reply(ctx.t('stats-unknown-id', { id: arg }));
  });

  feature.callbackQuery(
    'home:stats',
    pressed(async (ctx) => recentList(ctx, { send: true })),
  );
  feature.callbackQuery(
    'stats:l',
    pressed(async (ctx) => recentList(ctx)),
  );
  feature.callbackQuery(
    /^stats:o:(7|30|all)$/,
    pressed(async (ctx) => recentList(ctx, { range: ctx.match[1] as Range })),
  );
  feature.callbackQuery(
    /^stats:c:(\d+)$/,
    pressed(async (ctx) => {
      const id = Number(ctx.match[1]);
      if (!(await campaignStats(ctx, id))) {
        await recentList(ctx);
        return { text: ctx.t('stats-unknown-id', { id: String(id) }), alert: true };
      }
      return undefined;
    }),
  );

  /** The actions on one campaign: a missing campaign gets the specific answer, not a silent no-op. */
  const onCampaign = (handler: (ctx: BotContext, c: Campaign, arg?: string) => Promise<unknown>) =>
    pressed(async (ctx: BotContext) => {
      const match = ctx.match as RegExpMatchArray;
      const id = Number(match[1]);
      const campaign = await find(ctx, id);
      if (!campaign) return { text: ctx.t('stats-unknown-id', { id: String(id) }), alert: true };
      return handler(ctx, campaign, match[2]);
    });

  feature.callbackQuery(
    /^stats:g:(\d+)$/,
    onCampaign(async (ctx, c) => {
      if (!(await sendCharts(ctx, c))) return { text: ctx.t('stats-charts-none'), alert: true };
      return undefined;
    }),
  );
  feature.callbackQuery(
    /^stats:r:(\d+)$/,
    onCampaign(async (ctx, c) => {
      const replies = await ctx.deps.services.responses.list(c.id, { limit: REPLIES_SHOWN });
      if (replies.length === 0) return { text: ctx.t('stats-replies-none'), alert: true };
      const zone = await zoneOf(ctx);
      const lines = [
        ctx.t('stats-replies-title', { id: String(c.id), name: c.name, count: replies.length }),
        '',
      ];
      for (const r of replies) {
        const text = r.text.length > 300 ? `${r.text.slice(0, 299)}…` : r.text;
        const params = {
          when: formatInZone(new Date(r.at), zone),
          from: await senderName(ctx, r.recipient),
          text,
        };
        if (!r.media) lines.push(ctx.t('stats-reply-line', params));
        else {
          const media = ctx.t('reply-media', { kind: r.media });
          lines.push(
            ctx.t(text ? 'stats-reply-media-line' : 'stats-reply-media-only-line', { ...params, media }),
          );
        }
      }
      await ctx.reply(lines.join('\n'), { link_preview_options: { is_disabled: true } });
      return undefined;
    }),
  );
  feature.callbackQuery(
    /^stats:x:(\d+)$/,
    onCampaign((ctx, c) => sendCsv(ctx, c)),
  );
  feature.callbackQuery(
    /^stats:t:(\d+):([01])$/,
    onCampaign(async (ctx, c, arg) => {
      if (!canChange(ctx)) return { text: ctx.t('viewer-read-only'), alert: true };
      const on = arg === '1';
      await ctx.deps.services.tracking.setTrackClicks(c.id, on);
      await campaignStats(ctx, c.id);
      return { text: ctx.t(on ? 'stats-tracking-now-on' : 'stats-tracking-now-off', { id: String(c.id) }) };
    }),
  );
  feature.callbackQuery(
    /^stats:u:(\d+)$/,
    onCampaign(async (ctx, c) => {
      if (!canChange(ctx)) return { text: ctx.t('viewer-read-only'), alert: true };
      await pending.set(ctx, { kind: 'stats-goal', id: c.id });
      await ctx.reply(
        ctx.t('stats-goal-prompt', { id: String(c.id), base: ctx.deps.config.PUBLIC_URL ?? 'PUBLIC_URL' }),
        { reply_markup: cancelKeyboard(ctx), link_preview_options: { is_disabled: true } },
      );
      return undefined;
    }),
  );

  feature.on('message:text', async (ctx, next) => {
    if (ctx.message.text.startsWith('/')) return next();
    const p = await pending.mine(ctx, 'stats-');
    if (!p) return next();
    const id = Number(p.id);
    const input = ctx.message.text.trim();
    try {
      const url = await ctx.deps.services.tracking.setGoalUrl(id, input === '-' ? null : input);
      await pending.clear(ctx);
      await ctx.reply(
        url
          ? ctx.t('stats-goal-saved', { id: String(id), url })
          : ctx.t('stats-goal-removed', { id: String(id) }),
        { link_preview_options: { is_disabled: true } },
      );
      await campaignStats(ctx, id, { send: true });
    } catch (err) {
      if (err instanceof NotFoundError) {
        await pending.clear(ctx);
        await ctx.reply(ctx.t('stats-unknown-id', { id: String(id) }));
        return;
      }
      await ctx.reply(errorText(ctx, err), { reply_markup: cancelKeyboard(ctx) });
    }
  });

  return composer;
}
