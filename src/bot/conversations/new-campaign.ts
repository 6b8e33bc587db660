import { randomBytes } from 'node:crypto';
import type { Middleware } from 'grammy';
import { DEFAULT_TRAINING_STATUS } from '../../domain/campaign.js';
import { NotFoundError } from '../../domain/errors.js';
import { isLocale } from '../i18n.js';
import type { Draft, StepEnv, StepId, StepResult, WizardDeps } from './campaign-draft.js';
import { audienceStep } from './steps/audience.js';
import { contentStep } from './steps/content.js';
import { nameStep, platformStep, typeStep } from './steps/details.js';
import { reviewStep } from './steps/review.js';
import { scheduleStep } from './steps/schedule.js';
import { settingsStep } from './steps/settings.js';
import { Wizard, type WizardContext, type WizardConversation } from './wizard-kit.js';

export const NEW_CAMPAIGN = 'newCampaign';

export interface NewCampaignArgs {
  /** "Start campaign from template": the content step starts with this template */
  templateKey?: string;
}

const ORDER: readonly StepId[] = [
  'name',
  'platform',
  'type',
  'audience',
  'content',
  'schedule',
  'settings',
  'review',
];

const STEPS: Readonly<Record<StepId, (env: StepEnv) => Promise<StepResult>>> = {
  name: nameStep,
  platform: platformStep,
  type: typeStep,
  audience: audienceStep,
  content: contentStep,
  schedule: scheduleStep,
  settings: settingsStep,
  review: reviewStep,
};

/**
 * Runs inside the conversation on every update, before the builder sees it: the sender's role and
 * stored language, read once per update (recorded, so replays do not hit the database again).
 * The bot's i18n plugin runs first; inside a conversation it cannot see the role, so it picks the
 * client's language and this switches to the admin's stored choice.
 */
export function wizardContext(conversation: WizardConversation, deps: WizardDeps): Middleware<WizardContext> {
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    const who = await conversation.external(async () => {
      if (userId === undefined) return { role: null, language: null };
      const role = await deps.services.admins.roleOf(userId);
      return { role, language: role ? ((await deps.services.admins.languageOf(userId)) ?? null) : null };
    });
    ctx.role = who.role;
    ctx.log = deps.logger.child({ updateId: ctx.update.update_id, from: userId, conversation: NEW_CAMPAIGN });
    if (who.language && isLocale(who.language)) ctx.i18n.useLocale(who.language);
    await next();
  };
}

/**
 * The /newcampaign wizard. Its services come from this factory's closure; every database read, clock
 * read and write inside goes through `conversation.external` / `conversation.now()`, so a replay (on
 * every update, and after a restart, from the state in Redis) takes the same path without side effects.
 */
export function createNewCampaignConversation(deps: WizardDeps) {
  return async function newCampaign(
    conversation: WizardConversation,
    ctx: WizardContext,
    args: NewCampaignArgs = {},
  ): Promise<void> {
    const adminId = ctx.from!.id;
    const wiz = new Wizard(conversation, ctx, ctx.chat!.id);
    const setup = await conversation.external(async () => {
      const zone = await deps.services.admins.timeZoneOf(adminId);
      // Drawn once and kept in the replay log, so every replay of this wizard has the same key.
      const saveKey = randomBytes(12).toString('base64url');
      if (!args.templateKey) return { zone, saveKey, template: null };
      try {
        const t = await deps.services.templates.get(args.templateKey);
        return { zone, saveKey, template: { key: t.key, name: t.name, text: t.text } };
      } catch (err) {
        if (err instanceof NotFoundError) return { zone, saveKey, template: null };
        throw err;
      }
    });
    if (args.templateKey && !setup.template) await wiz.say(wiz.t('wizard-template-missing'));

    const draft: Draft = {
      name: '',
      text: '',
      zone: setup.zone,
      recurrence: { frequency: 'none' },
      training: DEFAULT_TRAINING_STATUS,
    };
    const env: StepEnv = {
      wiz,
      conversation,
      deps,
      draft,
      editing: false,
      adminId,
      saveKey: setup.saveKey,
      ...(setup.template ? { template: setup.template } : {}),
    };

    let step: StepId = 'name';
    for (;;) {
      const result: StepResult = await STEPS[step](env);
      if (result === 'done') return;
      if (typeof result === 'object') {
        // From the review's Edit menu (or a platform change): that step, then back to the review.
        if (step === 'review') env.editing = true;
        step = result.goto;
        continue;
      }
      const index = ORDER.indexOf(step);
      if (env.editing && step !== 'review') step = 'review';
      else step = result === 'next' ? ORDER[index + 1]! : ORDER[Math.max(0, index - 1)]!;
    }
  };
}
