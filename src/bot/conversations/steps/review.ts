import type { Message } from '../../../domain/campaign.js';
import { PermissionDeniedError } from '../../../domain/errors.js';
import { parseFormatting } from '../../../domain/message.js';
import { formatInZone, localToInstant } from '../../../domain/schedule.js';
import type { ScheduleInput } from '../../../services/campaign.service.js';
import type { Campaign } from '../../../services/index.js';
import { attempt, type Draft, type StepEnv, type StepId, type StepResult } from '../campaign-draft.js';
import { type Answer, type Button, button, type View, type Wizard } from '../wizard-kit.js';
import { describeMedia } from './content.js';

const PREVIEW_LENGTH = 200;

type Mode = 'draft' | 'schedule' | 'now';

interface Saved {
  id: number;
  status: string;
  at: string | null;
  zone: string;
}

const EDIT_TARGETS: readonly StepId[] = [
  'name',
  'platform',
  'type',
  'audience',
  'content',
  'schedule',
  'settings',
];

export function draftMessage(draft: Draft): Message {
  return {
    text: draft.text,
    ...(draft.media ? { media: draft.media } : {}),
    ...(draft.buttons?.length ? { buttons: draft.buttons } : {}),
  };
}

function scheduleInput(draft: Draft): ScheduleInput | undefined {
  if (draft.when !== 'later' || !draft.date || !draft.time) return undefined;
  const { frequency, cron, endDate } = draft.recurrence;
  return {
    date: draft.date,
    time: draft.time,
    zone: draft.zone,
    frequency,
    ...(cron !== undefined ? { cron } : {}),
    ...(endDate !== undefined ? { endDate } : {}),
  };
}

function preview(text: string): string {
  const plain = Array.from(parseFormatting(text).text);
  return plain.length > PREVIEW_LENGTH
    ? `${plain.slice(0, PREVIEW_LENGTH).join('').trimEnd()}…`
    : plain.join('');
}

function scheduleLine(wiz: Wizard, draft: Draft): string {
  if (draft.when !== 'later' || !draft.date || !draft.time) return wiz.t('wizard-review-send-now');
  const when = formatInZone(
    localToInstant({ date: draft.date, time: draft.time, zone: draft.zone }),
    draft.zone,
  );
  const { frequency, endDate } = draft.recurrence;
  if (frequency === 'none') return when;
  const repeat = wiz.t(`wizard-frequency-${frequency}`);
  return endDate
    ? wiz.t('wizard-review-repeat-until', { when, repeat, end: endDate })
    : wiz.t('wizard-review-repeat', { when, repeat });
}

function card(wiz: Wizard, draft: Draft, reach: number): string {
  const platform = draft.platform!;
  const lines = [
    wiz.t('wizard-review-title'),
    '',
    wiz.t('wizard-review-name', { name: draft.name }),
    wiz.t('wizard-review-platform', { platform: wiz.t(`wizard-platform-${platform}`) }),
    wiz.t('wizard-review-type', { type: wiz.t(`wizard-type-${draft.type}`) }),
    wiz.t(draft.when === 'later' ? 'wizard-review-status-scheduled' : 'wizard-review-status-now'),
    wiz.t(`wizard-review-recipients-${platform}`, { reach }),
    wiz.t('wizard-review-schedule', { schedule: scheduleLine(wiz, draft) }),
  ];
  // Automatic replies need intents and a model: they are set up on the saved campaign (/training).
  if (platform === 'whatsapp') lines.push(wiz.t('wizard-review-training'));
  lines.push('', wiz.t('wizard-review-preview'), preview(draft.text) || wiz.t('wizard-review-no-text'));
  if (draft.media) lines.push('', wiz.t('wizard-review-media', { media: describeMedia(wiz, draft.media) }));
  if (draft.buttons?.length) {
    lines.push(
      wiz.t('wizard-review-buttons', {
        buttons: draft.buttons
          .flat()
          .map((b) => b.text)
          .join(' · '),
      }),
    );
  }
  return lines.join('\n');
}

/**
 * Step 6: the seed's review card. Nothing is in the database until one of Schedule / Send now / Save
 * draft; then the campaign is created, filled and (for those two) scheduled in one go, and removed
 * again if scheduling refuses it, so a refused attempt leaves nothing half-made behind.
 */
export async function reviewStep(env: StepEnv): Promise<StepResult> {
  const { wiz, conversation, deps, draft, adminId, saveKey } = env;
  const { services } = deps;
  let error: string | undefined;
  let edit = false;

  const ask = async (view: View): Promise<Answer> => {
    const answer = await wiz.ask(view, { ...(error ? { error } : {}), edit });
    error = undefined;
    edit = false;
    return answer;
  };

  const save = (mode: Mode) =>
    attempt(conversation, async (): Promise<Saved> => {
      const role = await services.admins.roleOf(adminId);
      if (role !== 'owner' && role !== 'admin') throw new PermissionDeniedError('create-campaign');
      const created = await services.campaigns.create({
        name: draft.name,
        platform: draft.platform!,
        type: draft.type!,
        adminId,
        requestKey: saveKey,
      });
      const report = (c: Campaign): Saved => ({
        id: c.id,
        status: c.status,
        at: c.schedule.at ? c.schedule.at.toISOString() : null,
        zone: c.schedule.zone,
      });
      // This save went through before (the press came again after a crash or a lost answer):
      // report that campaign; scheduling it again would send it twice.
      if (created.status !== 'draft') return report(created);
      try {
        const planned = scheduleInput(draft);
        let c = await services.campaigns.update(
          created.id,
          {
            audience: draft.audience!,
            message: draftMessage(draft),
            settings: draft.settings!,
            ...(draft.templateKey ? { templateKey: draft.templateKey } : {}),
            ...(mode === 'draft' && planned ? { schedule: planned } : {}),
          },
          adminId,
        );
        if (mode === 'schedule') c = await services.campaigns.schedule(created.id, planned!, adminId);
        if (mode === 'now') c = await services.campaigns.sendNow(created.id, adminId);
        return report(c);
      } catch (err) {
        await services.campaigns.remove(created.id, adminId).catch(() => undefined);
        throw err;
      }
    });

  for (;;) {
    const reach = await conversation.external(() => services.audience.estimateReach(draft.audience!));
    const later = draft.when === 'later';
    const rows: Button[][] = [
      [button(wiz.t('wizard-review-edit'), 'edit'), button(wiz.t('wizard-review-test'), 'test')],
      [button(wiz.t(later ? 'wizard-review-schedule-button' : 'wizard-review-send-now-button'), 'go')],
      [button(wiz.t('wizard-review-draft'), 'draft')],
    ];
    const answer = await ask({ text: card(wiz, draft, reach), rows, back: true, manualAck: ['test'] });
    if (answer.kind !== 'press') {
      error = wiz.t('wizard-use-buttons');
      continue;
    }
    if (answer.action === 'back') return 'back';

    if (answer.action === 'edit') {
      const target = await chooseEdit(wiz);
      if (target) return { goto: target };
      continue;
    }

    if (answer.action === 'test') {
      await sendTest(env);
      edit = true;
      continue;
    }

    let mode: Mode = 'draft';
    if (answer.action === 'go') {
      mode = later ? 'schedule' : 'now';
      if (mode === 'now') {
        const confirm = await wiz.ask({
          text: wiz.t('wizard-confirm-send', { reach }),
          rows: [[button(wiz.t('wizard-confirm-yes'), 'yes')]],
          back: true,
        });
        if (confirm.kind !== 'press' || confirm.action !== 'yes') continue;
      }
    }

    const result = await save(mode);
    if (!result.ok) {
      error = wiz.errorFor(result.code, result.params);
      continue;
    }
    const { id, status, at, zone } = result.value;
    const params = {
      id: String(id),
      name: draft.name,
      status: wiz.t(`wizard-status-${status}`),
      when: at ? formatInZone(new Date(at), zone) : wiz.t('wizard-not-scheduled'),
    };
    await wiz.say(wiz.t(`wizard-saved-${mode}`, params));
    return 'done';
  }
}

/** Which step to jump to; the step then comes back to the review. */
async function chooseEdit(wiz: Wizard): Promise<StepId | undefined> {
  const rows: Button[][] = [];
  EDIT_TARGETS.forEach((target, i) => {
    const b = button(wiz.t(`wizard-edit-${target}`), 'e', target);
    if (i % 2 === 0) rows.push([b]);
    else rows[rows.length - 1]!.push(b);
  });
  let error: string | undefined;
  for (;;) {
    const answer = await wiz.ask({ text: wiz.t('wizard-edit'), rows, back: true }, error ? { error } : {});
    if (answer.kind !== 'press') {
      error = wiz.t('wizard-use-buttons');
      continue;
    }
    if (answer.action === 'back') return undefined;
    const target = answer.arg as StepId;
    return EDIT_TARGETS.includes(target) ? target : undefined;
  }
}

async function sendTest(env: StepEnv): Promise<void> {
  const { wiz, conversation, deps, draft, adminId } = env;
  if (!deps.sendTest) {
    await wiz.ctx.answerCallbackQuery({ text: wiz.t('wizard-test-unavailable'), show_alert: true });
    return;
  }
  const send = deps.sendTest;
  const result = await attempt(conversation, async () => {
    await send({
      platform: draft.platform!,
      message: draftMessage(draft),
      settings: draft.settings!,
      adminId,
    });
  });
  await wiz.ctx.answerCallbackQuery({
    text: result.ok ? wiz.t('wizard-test-sent') : wiz.errorFor(result.code, result.params),
    show_alert: !result.ok,
  });
}
