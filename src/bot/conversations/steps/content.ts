import type { MessageButton, MessageMedia, Platform } from '../../../domain/campaign.js';
import { MessageTooLongError } from '../../../domain/errors.js';
import {
  CAPTION_LIMIT,
  fillPlaceholders,
  findPlaceholders,
  formatFileSize,
  MEDIA_LIMITS,
  normalizeMime,
  PER_RECIPIENT_PLACEHOLDERS,
  TEXT_LIMIT,
  telegramLength,
  validateButtons,
  validateMedia,
  validateMessage,
} from '../../../domain/message.js';
import { STEP_COUNT, type StepEnv, type StepResult } from '../campaign-draft.js';
import { type Answer, type Button, button, type IncomingMedia, type Wizard } from '../wizard-kit.js';

type Sub = 'text' | 'templates' | 'fill' | 'media' | 'buttons';

interface TemplateOption {
  key: string;
  name: string;
  text: string;
}

const PER_RECIPIENT = new Set(PER_RECIPIENT_PLACEHOLDERS.map((p) => p.toLowerCase()));
const BUTTON_LINE = /^(.+?)\s+-\s+(\S+)$/;

/** Placeholders the admin fills now; [Name] and [First name] are filled per recipient at send time. */
function toFill(text: string): string[] {
  return findPlaceholders(text).filter(
    (p) => !PER_RECIPIENT.has(p.trim().replace(/\s+/g, ' ').toLowerCase()),
  );
}

/** Why this media cannot go with this text, or undefined when it can. */
function mediaProblem(
  wiz: Wizard,
  text: string,
  media: MessageMedia,
  platform: Platform,
): string | undefined {
  try {
    validateMedia(media, platform);
    validateMessage({ text, media }, platform);
    return undefined;
  } catch (err) {
    return err instanceof MessageTooLongError
      ? wiz.t('wizard-caption-too-long', { length: Number(err.params.length), limit: CAPTION_LIMIT })
      : wiz.errorText(err);
  }
}

function toMedia(m: IncomingMedia): MessageMedia {
  return {
    kind: m.kind,
    fileId: m.fileId,
    mime: normalizeMime(m.mime),
    size: m.size,
    ...(m.fileName ? { fileName: m.fileName } : {}),
  };
}

/** `Text - https://…` per line, `|` between buttons on one line. */
function parseButtons(wiz: Wizard, input: string): { rows: MessageButton[][] } | { error: string } {
  const rows: MessageButton[][] = [];
  const lines = input
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const [i, line] of lines.entries()) {
    const row: MessageButton[] = [];
    for (const part of line.split('|')) {
      const match = BUTTON_LINE.exec(part.trim());
      if (!match) return { error: wiz.t('wizard-buttons-format', { line: i + 1 }) };
      row.push({ text: match[1]!.trim(), url: match[2]! });
    }
    rows.push(row);
  }
  try {
    validateButtons(rows, 'telegram');
  } catch (err) {
    return { error: wiz.errorText(err) };
  }
  return { rows };
}

/**
 * Step 3: the text (typed, or a template whose placeholders are filled one by one), then optional
 * media, then (Telegram) optional URL buttons.
 */
export async function contentStep(env: StepEnv): Promise<StepResult> {
  const { wiz, conversation, deps, draft } = env;
  const platform = draft.platform!;
  let sub = 'text' as Sub;
  let templates: TemplateOption[] | undefined;
  /** the template (or typed) text before filling, and the values given so far */
  let base = draft.text;
  let pending: string[] = [];
  let values: Record<string, string> = {};
  let filled = 0;
  let cameFromTemplates = false;
  let error: string | undefined;

  const ask = async (view: { text: string; rows: Button[][]; back: boolean }): Promise<Answer> => {
    const answer = await wiz.ask(view, error ? { error } : {});
    error = undefined;
    return answer;
  };

  /** The text is final: say how long it is against the limit, then go on to media. */
  const textDone = () => {
    const limit = draft.media ? CAPTION_LIMIT : TEXT_LIMIT;
    wiz.note(wiz.t('wizard-text-count', { length: telegramLength(draft.text), limit }));
    sub = 'media';
  };

  const startFill = (text: string, fromTemplates: boolean) => {
    base = text;
    pending = toFill(text);
    values = {};
    filled = 0;
    cameFromTemplates = fromTemplates;
    if (pending.length === 0) {
      draft.text = text;
      textDone();
    } else {
      sub = 'fill';
    }
  };

  if (env.template && !draft.text) {
    draft.templateKey = env.template.key;
    startFill(env.template.text, false);
  }

  for (;;) {
    if (sub === 'text') {
      const rows: Button[][] = [[button(wiz.t('wizard-use-template'), 'tpl')]];
      if (draft.text) rows.push([button(wiz.t('wizard-keep-text'), 'keep')]);
      const answer = await ask({
        text: wiz.t('wizard-content', { step: 3, steps: STEP_COUNT, limit: TEXT_LIMIT }),
        rows,
        back: true,
      });
      if (answer.kind === 'press') {
        if (answer.action === 'back') return 'back';
        if (answer.action === 'tpl') sub = 'templates';
        if (answer.action === 'keep') textDone();
        continue;
      }
      if (answer.kind === 'text') {
        try {
          validateMessage({ text: answer.text }, platform);
        } catch (err) {
          error = wiz.errorText(err);
          continue;
        }
        delete draft.templateKey;
        startFill(answer.text, false);
        continue;
      }
      if (answer.kind === 'media') {
        // A photo/video/document with a caption answers text and media at once.
        const media = toMedia(answer.media);
        try {
          validateMedia(media, platform);
          validateMessage({ text: answer.caption, media }, platform);
        } catch (err) {
          error = wiz.errorText(err);
          continue;
        }
        draft.media = media;
        delete draft.templateKey;
        startFill(answer.caption, false);
        continue;
      }
      error = wiz.t('wizard-content-expected');
      continue;
    }

    if (sub === 'templates') {
      templates ??= await conversation.external(async () =>
        (await deps.services.templates.list()).map((t) => ({ key: t.key, name: t.name, text: t.text })),
      );
      const rows = templates.map((t, i) => [button(t.name, 'tp', i)]);
      const answer = await ask({ text: wiz.t('wizard-templates'), rows, back: true });
      if (answer.kind !== 'press') {
        error = wiz.t('wizard-use-buttons');
        continue;
      }
      if (answer.action === 'back') {
        sub = 'text';
        continue;
      }
      const template = templates[Number(answer.arg)];
      if (!template) continue;
      draft.templateKey = template.key;
      startFill(template.text, true);
      continue;
    }

    if (sub === 'fill') {
      const placeholder = pending[filled]!;
      const answer = await ask({
        text: wiz.t('wizard-fill', {
          index: filled + 1,
          count: pending.length,
          placeholder: `[${placeholder}]`,
          preview: fillPlaceholders(base, values, { escape: false }),
        }),
        rows: [],
        back: true,
      });
      if (answer.kind === 'press') {
        if (answer.action !== 'back') continue;
        if (filled > 0) {
          filled -= 1;
          delete values[pending[filled]!];
        } else {
          sub = cameFromTemplates ? 'templates' : 'text';
        }
        continue;
      }
      const value = answer.kind === 'text' ? answer.text.trim() : '';
      if (!value) {
        error = wiz.t('wizard-fill-empty', { placeholder: `[${placeholder}]` });
        continue;
      }
      values[placeholder] = value;
      filled += 1;
      if (filled < pending.length) continue;
      const text = fillPlaceholders(base, values);
      try {
        validateMessage({ text, ...(draft.media ? { media: draft.media } : {}) }, platform);
      } catch (err) {
        filled -= 1;
        delete values[placeholder];
        error = wiz.errorText(err);
        continue;
      }
      draft.text = text;
      textDone();
      continue;
    }

    if (sub === 'media') {
      const rows: Button[][] = [[button(wiz.t(draft.media ? 'wizard-keep-media' : 'wizard-skip'), 'skip')]];
      if (draft.media) rows.push([button(wiz.t('wizard-remove-media'), 'rmm')]);
      const limits = MEDIA_LIMITS[platform];
      const answer = await ask({
        text: wiz.t('wizard-media', {
          step: 3,
          steps: STEP_COUNT,
          video: formatFileSize(limits.video),
          current: draft.media ? describeMedia(wiz, draft.media) : wiz.t('wizard-media-none'),
        }),
        rows,
        back: true,
      });
      if (answer.kind === 'press') {
        if (answer.action === 'back') {
          sub = 'text';
          continue;
        }
        if (answer.action === 'rmm') {
          delete draft.media;
          continue;
        }
        if (answer.action !== 'skip') continue;
        if (draft.media) {
          // Kept media must still fit: the text may have grown, or the platform changed.
          const problem = mediaProblem(wiz, draft.text, draft.media, platform);
          if (problem) {
            error = problem;
            continue;
          }
        }
        if (platform === 'telegram') {
          sub = 'buttons';
          continue;
        }
        return 'next';
      }
      if (answer.kind !== 'media') {
        error = wiz.t('wizard-media-expected');
        continue;
      }
      const media = toMedia(answer.media);
      const text = answer.caption.trim() ? answer.caption : draft.text;
      const problem = mediaProblem(wiz, text, media, platform);
      if (problem) {
        error = problem;
        continue;
      }
      draft.media = media;
      draft.text = text;
      wiz.note(wiz.t('wizard-media-added', { media: describeMedia(wiz, media) }));
      if (platform === 'telegram') {
        sub = 'buttons';
        continue;
      }
      return 'next';
    }

    // sub === 'buttons' (Telegram only)
    const rows: Button[][] = [
      [button(wiz.t(draft.buttons?.length ? 'wizard-keep-buttons' : 'wizard-skip'), 'skip')],
    ];
    if (draft.buttons?.length) rows.push([button(wiz.t('wizard-remove-buttons'), 'rmb')]);
    const answer = await ask({
      text: wiz.t('wizard-buttons', {
        step: 3,
        steps: STEP_COUNT,
        count: draft.buttons?.flat().length ?? 0,
      }),
      rows,
      back: true,
    });
    if (answer.kind === 'press') {
      if (answer.action === 'back') {
        sub = 'media';
        continue;
      }
      if (answer.action === 'rmb') {
        delete draft.buttons;
        continue;
      }
      if (answer.action === 'skip') return 'next';
      continue;
    }
    if (answer.kind !== 'text') {
      error = wiz.t('wizard-buttons-format', { line: 1 });
      continue;
    }
    const parsed = parseButtons(wiz, answer.text);
    if ('error' in parsed) {
      error = parsed.error;
      continue;
    }
    draft.buttons = parsed.rows;
    wiz.note(wiz.t('wizard-buttons-added', { count: parsed.rows.flat().length }));
    return 'next';
  }
}

export function describeMedia(wiz: Wizard, media: MessageMedia): string {
  const name = media.fileName ?? wiz.t(`wizard-media-kind-${media.kind}`);
  return `${name} (${formatFileSize(media.size)})`;
}
