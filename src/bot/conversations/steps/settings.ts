import {
  defaultSettings,
  type PlatformSettings,
  type TelegramSettings,
  type WhatsAppSettings,
} from '../../../domain/campaign.js';
import { mark, STEP_COUNT, type StepEnv, type StepResult } from '../campaign-draft.js';
import { type Button, button } from '../wizard-kit.js';

const WHATSAPP_TOGGLES = [
  'splitIntoLists',
  'trackDelivery',
  'trackRead',
  'sendTestFirst',
  'linkPreview',
] as const;
const TELEGRAM_TOGGLES = [
  'disableLinkPreview',
  'disableNotification',
  'pin',
  'inlineKeyboard',
  'botInteractions',
  'paidBroadcast',
] as const;

/** The seed's throttling fields; the bounds keep a typo from stalling or flooding a send. */
const NUMBERS = {
  maxPerMinute: { min: 1, max: 1000, integer: true },
  batchDelaySeconds: { min: 0, max: 3600, integer: false },
} as const;
type NumberKey = keyof typeof NUMBERS;

const NUMBER_RE = /^\d+(?:[.,]\d+)?$/;

/** Step 5: the seed's per-platform options as ☑/☐ buttons; WhatsApp throttling numbers are typed. */
export async function settingsStep({ wiz, draft }: StepEnv): Promise<StepResult> {
  const platform = draft.platform!;
  const settings: PlatformSettings = { ...(draft.settings ?? defaultSettings(platform)) };
  let editing: NumberKey | undefined;
  let error: string | undefined;
  let edit = false;

  for (;;) {
    if (editing) {
      const bounds = NUMBERS[editing];
      const current = (settings as WhatsAppSettings)[editing];
      const answer = await wiz.ask(
        {
          text: wiz.t(`wizard-number-${editing}`, { min: bounds.min, max: bounds.max, current }),
          rows: [],
          back: true,
        },
        error ? { error } : {},
      );
      error = undefined;
      if (answer.kind === 'press') {
        if (answer.action === 'back') editing = undefined;
        continue;
      }
      const text = answer.kind === 'text' ? answer.text.trim() : '';
      const value = Number(text.replace(',', '.'));
      if (
        !NUMBER_RE.test(text) ||
        (bounds.integer && !Number.isInteger(value)) ||
        value < bounds.min ||
        value > bounds.max
      ) {
        error = wiz.t(bounds.integer ? 'wizard-number-invalid-integer' : 'wizard-number-invalid', {
          min: bounds.min,
          max: bounds.max,
        });
        continue;
      }
      (settings as WhatsAppSettings)[editing] = value;
      editing = undefined;
      edit = false;
      continue;
    }

    const rows: Button[][] = [];
    if (platform === 'whatsapp') {
      const s = settings as WhatsAppSettings;
      for (const key of WHATSAPP_TOGGLES)
        rows.push([button(`${mark(s[key])} ${wiz.t(`wizard-setting-${key}`)}`, 'set', key)]);
      rows.push([
        button(wiz.t('wizard-setting-maxPerMinute', { value: s.maxPerMinute }), 'num', 'maxPerMinute'),
      ]);
      rows.push([
        button(
          wiz.t('wizard-setting-batchDelaySeconds', { value: s.batchDelaySeconds }),
          'num',
          'batchDelaySeconds',
        ),
      ]);
    } else {
      const s = settings as TelegramSettings;
      for (const key of TELEGRAM_TOGGLES)
        rows.push([button(`${mark(s[key])} ${wiz.t(`wizard-setting-${key}`)}`, 'set', key)]);
    }
    rows.push([button(wiz.t('wizard-continue'), 'next')]);
    const answer = await wiz.ask(
      { text: wiz.t(`wizard-settings-${platform}`, { step: 5, steps: STEP_COUNT }), rows, back: true },
      { ...(error ? { error } : {}), edit },
    );
    error = undefined;
    edit = true;
    if (answer.kind !== 'press') {
      error = wiz.t('wizard-use-buttons');
      edit = false;
      continue;
    }
    switch (answer.action) {
      case 'back':
        draft.settings = settings;
        return 'back';
      case 'next':
        draft.settings = settings;
        return 'next';
      case 'set': {
        const toggles: readonly string[] = platform === 'whatsapp' ? WHATSAPP_TOGGLES : TELEGRAM_TOGGLES;
        if (toggles.includes(answer.arg)) {
          const record = settings as unknown as Record<string, boolean>;
          record[answer.arg] = !record[answer.arg];
        }
        break;
      }
      case 'num':
        if (answer.arg in NUMBERS) {
          editing = answer.arg as NumberKey;
        }
        break;
    }
  }
}
