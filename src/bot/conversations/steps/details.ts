import {
  CAMPAIGN_TYPES,
  type CampaignType,
  DEFAULT_TRAINING_STATUS,
  defaultAudience,
  defaultSettings,
  PLATFORMS,
  type Platform,
  validateName,
} from '../../../domain/campaign.js';
import { STEP_COUNT, type StepEnv, type StepResult } from '../campaign-draft.js';
import { type Button, button } from '../wizard-kit.js';

/** Step 1a: the name (1–100 characters). */
export async function nameStep({ wiz, draft, editing, template }: StepEnv): Promise<StepResult> {
  let error: string | undefined;
  for (;;) {
    const rows: Button[][] = [];
    if (draft.name) rows.push([button(wiz.t('wizard-keep-name', { name: draft.name }), 'keep')]);
    else if (template)
      rows.push([button(wiz.t('wizard-use-template-name', { name: template.name }), 'tplname')]);
    const answer = await wiz.ask(
      { text: wiz.t('wizard-name', { step: 1, steps: STEP_COUNT }), rows, back: editing },
      error ? { error } : {},
    );
    if (answer.kind === 'press') {
      if (answer.action === 'back') return 'back';
      if (answer.action === 'keep') return 'next';
      if (answer.action === 'tplname' && template) {
        draft.name = template.name;
        return 'next';
      }
      continue;
    }
    if (answer.kind !== 'text') {
      error = wiz.t('wizard-name-as-text');
      continue;
    }
    try {
      draft.name = validateName(answer.text);
      return 'next';
    } catch (err) {
      error = wiz.errorText(err);
    }
  }
}

/** Step 1b: WhatsApp or Telegram. Changing it later starts the audience and settings over. */
export async function platformStep({ wiz, draft, editing }: StepEnv): Promise<StepResult> {
  let error: string | undefined;
  for (;;) {
    const rows = [
      PLATFORMS.map((p) =>
        button(`${draft.platform === p ? '☑ ' : ''}${wiz.t(`wizard-platform-${p}`)}`, 'pf', p),
      ),
    ];
    const answer = await wiz.ask(
      { text: wiz.t('wizard-platform', { step: 1, steps: STEP_COUNT, name: draft.name }), rows, back: true },
      error ? { error } : {},
    );
    if (answer.kind !== 'press') {
      error = wiz.t('wizard-use-buttons');
      continue;
    }
    if (answer.action === 'back') return 'back';
    const platform = answer.arg as Platform;
    if (!PLATFORMS.includes(platform)) continue;
    if (draft.platform === platform) return 'next';
    const changed = draft.platform !== undefined;
    draft.platform = platform;
    draft.audience = defaultAudience(platform);
    draft.settings = defaultSettings(platform);
    draft.training = DEFAULT_TRAINING_STATUS;
    if (platform === 'whatsapp') delete draft.buttons;
    // A new platform means a new audience: go there even when editing from the review.
    return changed && editing ? { goto: 'audience' } : 'next';
  }
}

/** Step 1c: the seed's five campaign types. */
export async function typeStep({ wiz, draft }: StepEnv): Promise<StepResult> {
  let error: string | undefined;
  for (;;) {
    const rows = CAMPAIGN_TYPES.map((type) => [
      button(`${draft.type === type ? '☑ ' : ''}${wiz.t(`wizard-type-${type}`)}`, 'ty', type),
    ]);
    const answer = await wiz.ask(
      { text: wiz.t('wizard-type', { step: 1, steps: STEP_COUNT }), rows, back: true },
      error ? { error } : {},
    );
    if (answer.kind !== 'press') {
      error = wiz.t('wizard-use-buttons');
      continue;
    }
    if (answer.action === 'back') return 'back';
    const type = answer.arg as CampaignType;
    if (!CAMPAIGN_TYPES.includes(type)) continue;
    draft.type = type;
    return 'next';
  }
}
