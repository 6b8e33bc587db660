import {
  assertFuture,
  assertTimeZone,
  COMMON_ZONES,
  FREQUENCIES,
  type Frequency,
  formatInZone,
  localToInstant,
  parseLocalDate,
  parseLocalTime,
  quickDates,
  validateRecurrence,
} from '../../../domain/schedule.js';
import { STEP_COUNT, type StepEnv, type StepResult } from '../campaign-draft.js';
import { type Answer, type Button, button, type View } from '../wizard-kit.js';

type Sub = 'when' | 'date' | 'time' | 'zone' | 'repeat' | 'cron' | 'end';

const QUICK_TIMES = ['09:00', '12:00', '15:00', '18:00'];

/**
 * Step 4: send now, or a date, a time and a zone (the admin's zone pre-selected and changeable from
 * the date and time questions), checked to be in the future; then the recurrence and its end date.
 */
export async function scheduleStep({ wiz, conversation, draft }: StepEnv): Promise<StepResult> {
  let sub: Sub = 'when';
  /** where the zone picker returns to */
  let zoneFrom: 'date' | 'time' = 'date';
  let error: string | undefined;
  const step = { step: 4, steps: STEP_COUNT };

  const ask = async (view: View): Promise<Answer> => {
    const answer = await wiz.ask(view, error ? { error } : {});
    error = undefined;
    return answer;
  };
  const zoneButton = (): Button => button(wiz.t('wizard-zone-button', { zone: draft.zone }), 'zone');
  const now = async () => new Date(await conversation.now());
  /** the first send, once date, time and zone are known */
  const start = () => localToInstant({ date: draft.date!, time: draft.time!, zone: draft.zone });

  /** Takes a time for the chosen date; a moment already gone is refused and the time asked again. */
  const acceptTime = async (input: string): Promise<boolean> => {
    try {
      const time = parseLocalTime(input);
      const at = localToInstant({ date: draft.date!, time, zone: draft.zone });
      const current = await now();
      try {
        assertFuture(at, current, 0);
      } catch {
        error = wiz.t('wizard-time-past', {
          when: formatInZone(at, draft.zone),
          now: formatInZone(current, draft.zone),
        });
        return false;
      }
      draft.time = time;
      return true;
    } catch (err) {
      error = wiz.errorText(err);
      return false;
    }
  };

  for (;;) {
    switch (sub) {
      case 'when': {
        const rows = [
          [
            button(`${draft.when === 'now' ? '☑ ' : ''}${wiz.t('wizard-send-now')}`, 'now'),
            button(`${draft.when === 'later' ? '☑ ' : ''}${wiz.t('wizard-schedule-later')}`, 'later'),
          ],
        ];
        const answer = await ask({ text: wiz.t('wizard-when', step), rows, back: true });
        if (answer.kind !== 'press') {
          error = wiz.t('wizard-use-buttons');
          break;
        }
        if (answer.action === 'back') return 'back';
        if (answer.action === 'now') {
          draft.when = 'now';
          draft.recurrence = { frequency: 'none' };
          delete draft.date;
          delete draft.time;
          return 'next';
        }
        if (answer.action === 'later') sub = 'date';
        break;
      }

      case 'date': {
        const { today, tomorrow } = quickDates(await now(), draft.zone);
        const rows = [
          [
            button(wiz.t('wizard-today', { date: today.slice(5) }), 'day', today),
            button(wiz.t('wizard-tomorrow', { date: tomorrow.slice(5) }), 'day', tomorrow),
          ],
          [zoneButton()],
        ];
        const answer = await ask({
          text: wiz.t('wizard-date', { ...step, zone: draft.zone, today }),
          rows,
          back: true,
        });
        let input: string;
        if (answer.kind === 'press') {
          if (answer.action === 'back') {
            sub = 'when';
            break;
          }
          if (answer.action === 'zone') {
            zoneFrom = 'date';
            sub = 'zone';
            break;
          }
          input = answer.arg;
        } else if (answer.kind === 'text') {
          input = answer.text;
        } else {
          error = wiz.t('wizard-date-as-text');
          break;
        }
        try {
          const date = parseLocalDate(input);
          if (date < today) {
            error = wiz.t('wizard-date-past', { date, today, zone: draft.zone });
            break;
          }
          draft.date = date;
          draft.when = 'later';
          sub = 'time';
        } catch (err) {
          error = wiz.errorText(err);
        }
        break;
      }

      case 'time': {
        const rows = [QUICK_TIMES.map((time) => button(time, 'tm', time.replace(':', ''))), [zoneButton()]];
        const answer = await ask({
          text: wiz.t('wizard-time', { ...step, date: draft.date!, zone: draft.zone }),
          rows,
          back: true,
        });
        let input: string;
        if (answer.kind === 'press') {
          if (answer.action === 'back') {
            sub = 'date';
            break;
          }
          if (answer.action === 'zone') {
            zoneFrom = 'time';
            sub = 'zone';
            break;
          }
          input = `${answer.arg.slice(0, 2)}:${answer.arg.slice(2)}`;
        } else if (answer.kind === 'text') {
          input = answer.text;
        } else {
          error = wiz.t('wizard-time-as-text');
          break;
        }
        if (await acceptTime(input)) sub = 'repeat';
        break;
      }

      case 'zone': {
        const rows: Button[][] = [];
        COMMON_ZONES.forEach((zone, i) => {
          const label = `${zone === draft.zone ? '☑ ' : ''}${zone}`;
          if (i % 2 === 0) rows.push([button(label, 'z', i)]);
          else rows[rows.length - 1]!.push(button(label, 'z', i));
        });
        const answer = await ask({ text: wiz.t('wizard-zone', { zone: draft.zone }), rows, back: true });
        let input: string;
        if (answer.kind === 'press') {
          if (answer.action === 'back') {
            sub = zoneFrom;
            break;
          }
          input = COMMON_ZONES[Number(answer.arg)] ?? '';
        } else if (answer.kind === 'text') {
          input = answer.text;
        } else {
          error = wiz.t('wizard-zone-as-text');
          break;
        }
        try {
          draft.zone = assertTimeZone(input);
          // Back to the question that opened the picker; the time question checks the whole instant again.
          sub = zoneFrom === 'time' && draft.date ? 'time' : 'date';
        } catch (err) {
          error = wiz.errorText(err);
        }
        break;
      }

      case 'repeat': {
        const rows = [
          FREQUENCIES.slice(0, 3).map((f) => frequencyButton(f)),
          FREQUENCIES.slice(3).map((f) => frequencyButton(f)),
        ];
        const answer = await ask({
          text: wiz.t('wizard-repeat', { ...step, when: formatInZone(start(), draft.zone) }),
          rows,
          back: true,
        });
        if (answer.kind !== 'press') {
          error = wiz.t('wizard-use-buttons');
          break;
        }
        if (answer.action === 'back') {
          sub = 'time';
          break;
        }
        const frequency = answer.arg as Frequency;
        if (!FREQUENCIES.includes(frequency)) break;
        if (frequency === 'none') {
          draft.recurrence = { frequency: 'none' };
          return 'next';
        }
        draft.recurrence = { frequency };
        sub = frequency === 'custom' ? 'cron' : 'end';
        break;
      }

      case 'cron': {
        const answer = await ask({
          text: wiz.t('wizard-cron', { ...step, zone: draft.zone }),
          rows: [],
          back: true,
        });
        if (answer.kind === 'press') {
          if (answer.action === 'back') sub = 'repeat';
          break;
        }
        if (answer.kind !== 'text') {
          error = wiz.t('wizard-cron-as-text');
          break;
        }
        try {
          draft.recurrence = validateRecurrence(
            { frequency: 'custom', cron: answer.text },
            draft.zone,
            start(),
          );
          sub = 'end';
        } catch (err) {
          error = wiz.errorText(err);
        }
        break;
      }

      case 'end': {
        const answer = await ask({
          text: wiz.t('wizard-end', { ...step, start: draft.date!, zone: draft.zone }),
          rows: [[button(wiz.t('wizard-no-end'), 'noend')]],
          back: true,
        });
        if (answer.kind === 'press') {
          if (answer.action === 'back') {
            sub = draft.recurrence.frequency === 'custom' ? 'cron' : 'repeat';
            break;
          }
          if (answer.action === 'noend') {
            const { endDate: _, ...rest } = draft.recurrence;
            draft.recurrence = rest;
            return 'next';
          }
          break;
        }
        if (answer.kind !== 'text') {
          error = wiz.t('wizard-date-as-text');
          break;
        }
        try {
          draft.recurrence = validateRecurrence(
            { ...draft.recurrence, endDate: answer.text },
            draft.zone,
            start(),
          );
          return 'next';
        } catch (err) {
          error = wiz.errorText(err);
        }
        break;
      }
    }
  }

  function frequencyButton(f: Frequency): Button {
    const on = draft.recurrence.frequency === f && draft.when === 'later';
    return button(`${on ? '☑ ' : ''}${wiz.t(`wizard-frequency-${f}`)}`, 'rc', f);
  }
}
