import {
  AUTO_REPLY_LIMIT,
  CONFIDENCE_THRESHOLD,
  type Intent,
  MIN_EXAMPLES,
  MIN_INTENTS,
  mergeExamples,
  parseExamples,
  percent,
  validateIntentName,
  validateResponse,
} from '../../domain/training.js';
import type { TrainingView } from '../../services/index.js';
import { attempt, type WizardDeps } from './campaign-draft.js';
import { type Button, button, Wizard, type WizardContext, type WizardConversation } from './wizard-kit.js';

export const TRAINING = 'training';

export interface TrainingArgs {
  campaignId: number;
}

/** The view as it crosses the conversation storage (dates as ISO strings). */
type StoredView = Omit<TrainingView, 'trainedAt'> & { trainedAt?: string };

function stored(v: TrainingView): StoredView {
  const { trainedAt, ...rest } = v;
  return trainedAt ? { ...rest, trainedAt: new Date(trainedAt).toISOString() } : rest;
}

/** An intent being added or edited; nothing is stored until its last step. */
interface IntentDraft {
  name: string;
  examples: string[];
  response: string;
  /** the stored intent this one replaces */
  replacing?: string;
}

type Step = 'home' | 'name' | 'examples' | 'response' | 'intent' | 'test';

const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/**
 * /training <id>: the intents of one campaign (name, examples, response), Train, Test AI responses and
 * the auto-reply switch. Every question has Back (to the previous question) and Cancel (leave). An
 * intent is saved when its last question is answered; Train builds and stores the model.
 */
export function createTrainingConversation(deps: WizardDeps) {
  const { services } = deps;

  return async function training(
    conversation: WizardConversation,
    ctx: WizardContext,
    args: TrainingArgs,
  ): Promise<void> {
    const adminId = ctx.from!.id;
    const campaignId = args.campaignId;
    const wiz = new Wizard(conversation, ctx, ctx.chat!.id, {
      cancelled: 'training-closed',
      busy: 'training-busy',
    });

    const load = async (): Promise<StoredView | null> => {
      const got = await attempt(conversation, async () => stored(await services.training.get(campaignId)));
      if (got.ok) return got.value;
      await wiz.say(wiz.errorFor(got.code, got.params));
      return null;
    };

    let view = await load();
    if (!view) return;
    let step: Step = 'home';
    let draft: IntentDraft = { name: '', examples: [], response: '' };
    let error: string | undefined;
    /** "Test AI responses": what the last typed message would get */
    let verdict: string | undefined;

    const save = async (): Promise<boolean> => {
      const intent: Intent = { name: draft.name, examples: draft.examples, response: draft.response };
      const replacing = draft.replacing;
      const got = await attempt(conversation, async () =>
        stored(await services.training.saveIntent(campaignId, intent, adminId, replacing)),
      );
      if (!got.ok) {
        error = wiz.errorFor(got.code, got.params);
        return false;
      }
      view = got.value;
      wiz.note(wiz.t('training-intent-saved', { name: draft.name, count: draft.examples.length }));
      return true;
    };

    for (;;) {
      const current: StoredView = view;
      const opts = error ? { error } : {};
      error = undefined;

      if (step === 'home') {
        const rows: Button[][] = [[button(wiz.t('training-btn-add-intent'), 'add')]];
        rows.push(
          ...chunk(
            current.intents.map((intent, i) => button(`✏️ ${intent.name}`, 'it', i)),
            2,
          ),
        );
        rows.push([button(wiz.t('training-btn-train'), 'train'), button(wiz.t('training-btn-test'), 'test')]);
        rows.push([button(wiz.t('training-btn-auto', { on: current.autoReply ? 'on' : 'off' }), 'auto')]);
        rows.push([button(wiz.t('training-btn-done'), 'done')]);
        const answer = await wiz.ask({ text: homeText(wiz, current), rows }, opts);
        if (answer.kind !== 'press') {
          error = wiz.t('wizard-use-buttons');
          continue;
        }
        if (answer.action === 'done') {
          await wiz.say(wiz.t('training-finished'));
          return;
        }
        if (answer.action === 'add') {
          draft = { name: '', examples: [], response: '' };
          step = 'name';
        } else if (answer.action === 'it') {
          const intent = current.intents[Number(answer.arg)];
          if (!intent) continue;
          draft = { ...intent, examples: [...intent.examples], replacing: intent.name };
          step = 'intent';
        } else if (answer.action === 'test') {
          step = 'test';
        } else if (answer.action === 'auto') {
          const on = !current.autoReply;
          const got = await attempt(conversation, async () =>
            stored(await services.training.setAutoReply(campaignId, on, adminId)),
          );
          if (got.ok) view = got.value;
          else error = wiz.errorFor(got.code, got.params);
        } else if (answer.action === 'train') {
          await wiz.say(wiz.t('training-started'));
          const got = await attempt(conversation, async () =>
            stored(await services.training.train(campaignId, adminId)),
          );
          if (got.ok) {
            view = got.value;
            const examples = got.value.intents.reduce((n, i) => n + i.examples.length, 0);
            wiz.note(wiz.t('training-trained', { intents: got.value.intents.length, examples }));
          } else {
            error = wiz.t('training-not-trained', { reason: wiz.errorFor(got.code, got.params) });
            view = (await load()) ?? current;
          }
        }
        continue;
      }

      if (step === 'name') {
        const answer = await wiz.ask({ text: wiz.t('training-ask-name'), rows: [], back: true }, opts);
        if (answer.kind === 'press') {
          if (answer.action === 'back') step = 'home';
          continue;
        }
        if (answer.kind !== 'text') {
          error = wiz.t('training-as-text');
          continue;
        }
        try {
          const name = validateIntentName(answer.text);
          const clash = current.intents.find((i) => i.name.toLowerCase() === name.toLowerCase());
          if (clash) {
            error = wiz.errorFor('training-duplicate-intent', { name: clash.name });
            continue;
          }
          draft.name = name;
          step = 'examples';
        } catch (err) {
          error = wiz.errorText(err);
        }
        continue;
      }

      if (step === 'examples') {
        const rows: Button[][] = [];
        if (draft.examples.length > 0) {
          rows.push([
            button(wiz.t('training-btn-continue'), 'next'),
            button(wiz.t('training-btn-clear'), 'clear'),
          ]);
        }
        const text = wiz.t('training-ask-examples', {
          name: draft.name,
          count: draft.examples.length,
          min: MIN_EXAMPLES,
          list: draft.examples.map((e) => `• ${e}`).join('\n'),
        });
        const answer = await wiz.ask({ text, rows, back: true }, opts);
        if (answer.kind === 'press') {
          if (answer.action === 'back') step = draft.replacing ? 'intent' : 'name';
          else if (answer.action === 'clear') draft.examples = [];
          else if (answer.action === 'next') {
            if (draft.replacing) {
              if (await save()) step = 'home';
            } else step = 'response';
          }
          continue;
        }
        if (answer.kind !== 'text') {
          error = wiz.t('training-as-text');
          continue;
        }
        try {
          const added = parseExamples(answer.text);
          const before = draft.examples.length;
          draft.examples = mergeExamples(draft.examples, added);
          wiz.note(wiz.t('training-examples-added', { count: draft.examples.length - before }));
        } catch (err) {
          error = wiz.errorText(err);
        }
        continue;
      }

      if (step === 'response') {
        const answer = await wiz.ask(
          { text: wiz.t('training-ask-response', { name: draft.name }), rows: [], back: true },
          opts,
        );
        if (answer.kind === 'press') {
          if (answer.action === 'back') step = draft.replacing ? 'intent' : 'examples';
          continue;
        }
        if (answer.kind !== 'text') {
          error = wiz.t('training-as-text');
          continue;
        }
        try {
          draft.response = validateResponse(answer.text);
        } catch (err) {
          error = wiz.errorText(err);
          continue;
        }
        if (await save()) step = 'home';
        continue;
      }

      if (step === 'intent') {
        const rows: Button[][] = [
          [button(wiz.t('training-btn-add-examples'), 'ex'), button(wiz.t('training-btn-response'), 'resp')],
          [button(wiz.t('training-btn-delete'), 'del')],
        ];
        const text = wiz.t('training-intent', {
          name: draft.name,
          count: draft.examples.length,
          list: draft.examples.map((e) => `• ${e}`).join('\n'),
          response: draft.response,
        });
        const answer = await wiz.ask({ text, rows, back: true }, opts);
        if (answer.kind !== 'press') {
          error = wiz.t('wizard-use-buttons');
          continue;
        }
        if (answer.action === 'back') step = 'home';
        else if (answer.action === 'ex') step = 'examples';
        else if (answer.action === 'resp') step = 'response';
        else if (answer.action === 'del') {
          const name = draft.replacing ?? draft.name;
          const got = await attempt(conversation, async () =>
            stored(await services.training.removeIntent(campaignId, name, adminId)),
          );
          if (got.ok) {
            view = got.value;
            wiz.note(wiz.t('training-intent-deleted', { name }));
            step = 'home';
          } else error = wiz.errorFor(got.code, got.params);
        }
        continue;
      }

      // step === 'test': the verdict on the last message is shown above the same question, asked again.
      const prompt = wiz.t('training-ask-test', { threshold: percent(CONFIDENCE_THRESHOLD) });
      const answer = await wiz.ask(
        { text: verdict ? `${verdict}\n\n${prompt}` : prompt, rows: [], back: true },
        opts,
      );
      verdict = undefined;
      if (answer.kind === 'press') {
        if (answer.action === 'back') step = 'home';
        continue;
      }
      if (answer.kind !== 'text' || !answer.text.trim()) {
        error = wiz.t('training-as-text');
        continue;
      }
      const text = answer.text;
      const got = await attempt(conversation, () => services.training.test(campaignId, text));
      if (!got.ok) {
        error = wiz.errorFor(got.code, got.params);
        continue;
      }
      const r = got.value;
      verdict =
        r.response !== null
          ? wiz.t('training-test-reply', {
              intent: r.intent ?? '',
              confidence: percent(r.confidence),
              response: r.response,
            })
          : r.confidence >= r.threshold && !r.matched
            ? wiz.t('training-test-unmatched', { intent: r.intent ?? '—', confidence: percent(r.confidence) })
            : wiz.t('training-test-routed', {
                intent: r.intent ?? '—',
                confidence: percent(r.confidence),
                threshold: percent(r.threshold),
              });
    }
  };
}

function homeText(wiz: Wizard, v: StoredView): string {
  const lines = [
    wiz.t('training-title', {
      id: v.campaignId,
      name: v.campaignName,
      platform: wiz.t('campaigns-platform', { platform: v.platform }),
    }),
    wiz.t('training-status', { training: wiz.t('campaigns-training', { training: v.status }) }),
  ];
  if (v.stale) lines.push(wiz.t('training-stale'));
  if (v.status !== 'not_trained' && !v.hasModel) lines.push(wiz.t('training-no-model-yet'));
  if (v.lastError && v.status !== 'trained') {
    lines.push(wiz.t('training-last-error', { reason: wiz.errorFor(v.lastError.code, v.lastError.params) }));
  }
  lines.push(
    wiz.t('training-auto-line', {
      on: v.autoReply ? 'on' : 'off',
      sent: v.autoReplies,
      routed: v.routed,
    }),
    '',
  );
  if (v.intents.length === 0) lines.push(wiz.t('training-no-intents'));
  else {
    lines.push(wiz.t('training-intents', { count: v.intents.length }));
    for (const i of v.intents)
      lines.push(wiz.t('training-intent-line', { name: i.name, count: i.examples.length }));
  }
  lines.push(
    '',
    wiz.t('training-rules', {
      intents: MIN_INTENTS,
      examples: MIN_EXAMPLES,
      threshold: percent(CONFIDENCE_THRESHOLD),
      limit: AUTO_REPLY_LIMIT,
    }),
  );
  return lines.join('\n');
}
