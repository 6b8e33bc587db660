import { isAudienceEmpty } from '../../../domain/audience.js';
import {
  type AudienceSpec,
  defaultAudience,
  type TelegramAudience,
  type WhatsAppAudience,
} from '../../../domain/campaign.js';
import { mark, STEP_COUNT, type StepEnv, type StepResult } from '../campaign-draft.js';
import { type Button, button } from '../wizard-kit.js';

interface ChatOption {
  id: number;
  title: string;
  channel: boolean;
  members: number;
}

interface Options {
  /** all contacts (WhatsApp) or all subscribers (Telegram) */
  everyone: number;
  segments: { name: string; count: number }[];
  chats: ChatOption[];
}

const CHATS_PER_PAGE = 8;
/** More chats than a keyboard can hold are paged; this caps what one wizard loads. */
const CHAT_LIMIT = 500;

function toggle<T>(list: readonly T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

/**
 * Step 2: multi-select toggles for the chosen platform; the estimated reach is recomputed and the
 * message redrawn on every tap.
 */
export async function audienceStep({ wiz, conversation, deps, draft }: StepEnv): Promise<StepResult> {
  const platform = draft.platform!;
  const { services } = deps;
  const options = await conversation.external(async (): Promise<Options> => {
    if (platform === 'whatsapp') {
      const [segments, everyone] = [
        await services.contacts.segmentCounts(),
        await services.audience.estimateReach(defaultAudience('whatsapp')),
      ];
      return { everyone, segments: segments.map((s) => ({ name: s.segment, count: s.count })), chats: [] };
    }
    const chats = await services.chats.list({ kind: 'all', pageSize: CHAT_LIMIT });
    const everyone = await services.audience.estimateReach({
      ...defaultAudience('telegram'),
      allSubscribers: true,
    });
    return {
      everyone,
      segments: [],
      chats: chats.items.map((c) => ({
        id: c.id,
        title: c.title,
        channel: c.type === 'channel',
        members: c.memberCount,
      })),
    };
  });

  let audience: AudienceSpec = draft.audience ?? defaultAudience(platform);
  let page = 0;
  let error: string | undefined;
  let edit = false;
  for (;;) {
    const reach = await conversation.external(() => services.audience.estimateReach(audience));
    const view =
      audience.kind === 'whatsapp'
        ? whatsappView(wiz.t.bind(wiz), audience, options, reach)
        : telegramView(wiz.t.bind(wiz), audience, options, reach, page);
    const answer = await wiz.ask(view, { ...(error ? { error } : {}), edit });
    error = undefined;
    edit = true;
    if (answer.kind !== 'press') {
      error = wiz.t('wizard-use-buttons');
      edit = false;
      continue;
    }
    const index = Number(answer.arg);
    switch (answer.action) {
      case 'back':
        draft.audience = audience;
        return 'back';
      case 'next':
        if (isAudienceEmpty(audience)) {
          error = wiz.t('error-empty-audience');
          edit = false;
          continue;
        }
        draft.audience = audience;
        return 'next';
      case 'pg':
        page = index;
        continue;
    }
    if (audience.kind === 'whatsapp') audience = toggleWhatsApp(audience, answer.action, options, index);
    else audience = toggleTelegram(audience, answer.action, options, index);
  }
}

function toggleWhatsApp(
  a: WhatsAppAudience,
  action: string,
  options: Options,
  index: number,
): WhatsAppAudience {
  if (action === 'all') return { ...a, all: !a.all, segments: [] };
  const segment = options.segments[index]?.name;
  if (action !== 'seg' || segment === undefined) return a;
  // "All Contacts" already covers every segment: picking one means picking segments instead.
  return { ...a, all: false, segments: toggle(a.all ? [] : a.segments, segment) };
}

function toggleTelegram(
  a: TelegramAudience,
  action: string,
  options: Options,
  index: number,
): TelegramAudience {
  if (action === 'all') return { ...a, allSubscribers: !a.allSubscribers };
  const groups = options.chats.filter((c) => !c.channel).map((c) => c.id);
  const channels = options.chats.filter((c) => c.channel).map((c) => c.id);
  if (action === 'allg') {
    const everything =
      groups.every((id) => a.groupIds.includes(id)) && channels.every((id) => a.channelIds.includes(id));
    return everything
      ? { ...a, groupIds: [], channelIds: [] }
      : { ...a, groupIds: groups, channelIds: channels };
  }
  const chat = options.chats[index];
  if (action !== 'chat' || chat === undefined) return a;
  return chat.channel
    ? { ...a, channelIds: toggle(a.channelIds, chat.id) }
    : { ...a, groupIds: toggle(a.groupIds, chat.id) };
}

type T = (key: string, params?: Record<string, string | number>) => string;

function whatsappView(t: T, a: WhatsAppAudience, options: Options, reach: number) {
  const rows: Button[][] = [
    [
      button(
        t('wizard-option', { mark: mark(a.all), name: t('wizard-all-contacts'), count: options.everyone }),
        'all',
      ),
    ],
    ...options.segments.map((s, i) => [
      button(
        t('wizard-option', {
          mark: mark(!a.all && a.segments.includes(s.name)),
          name: s.name,
          count: s.count,
        }),
        'seg',
        i,
      ),
    ]),
    [button(t('wizard-continue'), 'next')],
  ];
  return { text: t('wizard-audience-whatsapp', { step: 2, steps: STEP_COUNT, reach }), rows, back: true };
}

function telegramView(t: T, a: TelegramAudience, options: Options, reach: number, page: number) {
  const { chats } = options;
  const pages = Math.max(1, Math.ceil(chats.length / CHATS_PER_PAGE));
  const current = Math.min(page, pages - 1);
  const allChats =
    chats.length > 0 && chats.every((c) => (c.channel ? a.channelIds : a.groupIds).includes(c.id));
  const rows: Button[][] = [
    [
      button(
        t('wizard-option', {
          mark: mark(a.allSubscribers),
          name: t('wizard-all-subscribers'),
          count: options.everyone,
        }),
        'all',
      ),
    ],
  ];
  if (chats.length > 0) rows.push([button(`${mark(allChats)} ${t('wizard-all-groups')}`, 'allg')]);
  chats.forEach((c, i) => {
    if (Math.floor(i / CHATS_PER_PAGE) !== current) return;
    const on = (c.channel ? a.channelIds : a.groupIds).includes(c.id);
    const name = c.channel ? `📢 ${c.title}` : c.title;
    rows.push([button(t('wizard-option', { mark: mark(on), name, count: c.members }), 'chat', i)]);
  });
  if (pages > 1) {
    const nav: Button[] = [];
    if (current > 0) nav.push(button('◀', 'pg', current - 1));
    nav.push(button(t('wizard-page', { page: current + 1, pages }), 'pg', current));
    if (current < pages - 1) nav.push(button('▶', 'pg', current + 1));
    rows.push(nav);
  }
  rows.push([button(t('wizard-continue'), 'next')]);
  const text = [
    t('wizard-audience-telegram', { step: 2, steps: STEP_COUNT, reach }),
    ...(chats.length === 0 ? [t('wizard-audience-no-groups')] : []),
  ].join('\n\n');
  return { text, rows, back: true };
}
