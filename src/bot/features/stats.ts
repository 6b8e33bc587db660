import { Composer, InlineKeyboard } from 'grammy';
import { type CampaignStats, FAILURE_REASONS, formatPercent } from '../../domain/analytics.js';
import { STATUS_ICONS } from '../../domain/campaign.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Campaign } from '../../services/index.js';
import type { BotContext } from '../context.js';
import { isAdmin } from '../filters.js';
import { label, pressed, show } from './screen.js';

/** The seed lists these four reasons always (zeros included); the others only when they occur. */
const ALWAYS_SHOWN_REASONS = new Set(['invalid_number', 'blocked', 'network', 'platform_restriction']);
const RECENT = 10;

/** The seed's "Campaign Analytics" for one campaign, every percentage a share of the messages sent. */
export async function statsText(ctx: BotContext, campaign: Campaign): Promise<string> {
  const s: CampaignStats = await ctx.deps.services.analytics.campaignStats(campaign.id);
  const pct = (value: number) => formatPercent(value);
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
    lines.push(ctx.t('stats-nothing-sent'));
    return lines.join('\n');
  }
  lines.push(ctx.t('stats-sent', { count: s.sent }));
  lines.push(ctx.t('stats-delivered', { count: s.delivered, percent: pct(s.percent.delivered) }));
  lines.push(ctx.t('stats-failed', { count: s.failed, percent: pct(s.percent.failed) }));
  if (whatsapp) {
    lines.push(ctx.t('stats-read', { count: s.read, percent: pct(s.percent.read) }));
    lines.push(ctx.t('stats-clicked', { count: s.clicked, percent: pct(s.percent.clicked) }));
    lines.push(ctx.t('stats-responses', { count: s.responses, percent: pct(s.percent.responses) }));
  } else {
    lines.push(ctx.t('stats-clicked-tracked', { count: s.clicked, percent: pct(s.percent.clicked) }));
  }
  if (s.unknown > 0)
    lines.push(ctx.t('stats-unknown', { count: s.unknown, percent: pct(percentOf(s.unknown, s.sent)) }));

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

  if (whatsapp) {
    lines.push('', ctx.t('stats-engagement-title'));
    lines.push(ctx.t('stats-ctr', { percent: pct(s.engagement.clickThroughRate) }));
    lines.push(ctx.t('stats-response-rate', { percent: pct(s.engagement.responseRate) }));
    lines.push(ctx.t('stats-conversion-rate', { percent: pct(s.engagement.conversionRate) }));
    lines.push(ctx.t('stats-response-time', { minutes: s.engagement.averageResponseMinutes }));
  } else {
    lines.push('', ctx.t('stats-telegram-limits'));
  }
  return lines.join('\n');
}

function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}

/** /stats [id]: one campaign's figures, or a short list of recent campaigns to pick from. */
export function statsFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);

  async function recentList(ctx: BotContext, opts: { send?: boolean } = {}): Promise<void> {
    const page = await ctx.deps.services.campaigns.list({ sort: 'recent', page: 1, pageSize: RECENT });
    if (page.items.length === 0) {
      await show(ctx, ctx.t('stats-no-campaigns'), undefined, opts);
      return;
    }
    const lines = [ctx.t('stats-pick'), ''];
    for (const c of page.items) {
      lines.push(
        ctx.t('stats-pick-line', {
          id: String(c.id),
          name: c.name,
          status: `${STATUS_ICONS[c.status]} ${ctx.t('campaigns-status', { status: c.status })}`,
        }),
      );
    }
    const keyboard = InlineKeyboard.from(
      page.items.map((c) => [InlineKeyboard.text(label(`${c.id}. ${c.name}`), `stats:c:${c.id}`)]),
    );
    await show(ctx, lines.join('\n'), keyboard, opts);
  }

  async function campaignStats(ctx: BotContext, id: number): Promise<boolean> {
    let campaign: Campaign;
    try {
      campaign = await ctx.deps.services.campaigns.get(id);
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
    await show(
      ctx,
      await statsText(ctx, campaign),
      new InlineKeyboard()
        .text(ctx.t('stats-btn-refresh'), `stats:c:${id}`)
        .text(ctx.t('stats-btn-list'), 'stats:l'),
    );
    return true;
  }

  feature.command('stats', async (ctx) => {
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

  return composer;
}
