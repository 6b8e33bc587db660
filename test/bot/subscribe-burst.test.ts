import { afterEach, describe, expect, it } from 'vitest';
import { type BotHarness, startBotHarness } from '../support/bot-harness.js';
import { type CapturedLogs, captureLogs } from '../support/log-capture.js';
import { type PrivateFerretDb, startPrivateFerretDb } from '../support/private-ferretdb.js';
import { createTestDb, uniqueName } from '../support/services.js';
import type { TelegramUser } from '../support/telegram-user.js';

const PEOPLE = 2000;
const WELCOME = /You are subscribed/;
const ERROR_SHOWN = /Something went wrong/;

/**
 * Telegram's real ceiling (about 30 messages a second) would make 2,000 answers take over a minute:
 * this test is about storing and answering everyone, so its emulator lets far more through (a
 * test-only knob). The per-chat limit of one message a second stays, and every one of these people
 * gets exactly one message.
 */
function allowBurstReplies(h: BotHarness): void {
  h.emulator.enforceRateLimits({ global: 10_000 });
}

interface BurstFigures {
  stored: number;
  answered: number;
  errorsShown: number;
  allAnsweredMs: number;
}

/**
 * 2,000 different people send /start at the same moment: every update is queued in one turn of the
 * event loop, before the bot can fetch any of them. Waits until each of them has had an answer.
 */
async function startBurst(h: BotHarness, firstId: number): Promise<BurstFigures> {
  const people: TelegramUser[] = Array.from({ length: PEOPLE }, (_, i) => h.person(firstId + i, `Fan${i}`));
  const waiting = new Set(people.map((p) => p.id));
  let read = 0;
  const startedAt = Date.now();
  for (const person of people) person.send('/start');

  await h.emulator.waitFor(
    (calls) => {
      for (; read < calls.length; read++) {
        const call = calls[read]!;
        if (call.method === 'sendMessage' && call.response.ok) waiting.delete(call.chatId as number);
      }
      return waiting.size === 0;
    },
    240_000,
    `answers to ${PEOPLE} /start`,
    () => `${waiting.size} people still waiting for an answer`,
  );
  const allAnsweredMs = Date.now() - startedAt;

  const ids = new Set(people.map((p) => p.id));
  const stored = await h.models.Subscriber.countDocuments({
    _id: { $gte: firstId, $lt: firstId + PEOPLE },
    subscribed: true,
    subscribedAt: { $exists: true },
  }).exec();
  const welcomed = new Set(people.filter((p) => p.botMessages().some((m) => WELCOME.test(m.text ?? ''))));
  const errorsShown = h.emulator.events.filter(
    (e) => ids.has(e.chatId) && ERROR_SHOWN.test(e.message.text ?? ''),
  ).length;
  // On a failure, what the others were told tells why.
  const others = people
    .filter((p) => !welcomed.has(p))
    .map(
      (p) =>
        `${p.id}: ${p
          .botMessages()
          .map((m) => JSON.stringify(m.text))
          .join(' / ')}`,
    );
  if (others.length) console.info(`answered otherwise:\n${others.slice(0, 10).join('\n')}`);
  return { stored, answered: welcomed.size, errorsShown, allAnsweredMs };
}

function report(what: string, f: BurstFigures): void {
  console.info(
    `${what}: ${PEOPLE} /start in one second → ${f.stored} subscribers stored, ${f.answered} welcomed, ` +
      `${f.errorsShown} errors shown, all answered after ${(f.allAnsweredMs / 1000).toFixed(1)} s`,
  );
}

describe('a burst of /start from 2,000 people', () => {
  let h: BotHarness | undefined;
  let ferret: PrivateFerretDb | undefined;
  afterEach(async () => {
    await h?.stop();
    await ferret?.stop();
    h = undefined;
    ferret = undefined;
  });

  it('stores every one of them as a subscriber and welcomes each, with no error shown', async () => {
    h = await startBotHarness();
    allowBurstReplies(h);

    const figures = await startBurst(h, 444_000_000);

    report('subscribe burst', figures);
    expect(figures).toMatchObject({ stored: PEOPLE, answered: PEOPLE, errorsShown: 0 });
    expect(h.emulator.rateLimitHits).toEqual({ global: 0, chat: 0 });
  }, 300_000);

  it('loses nobody when FerretDB is killed and started again in the middle of the burst', async () => {
    // A FerretDB of this test's own, so that killing it disturbs no other test.
    ferret = await startPrivateFerretDb();
    const logs: CapturedLogs = captureLogs('warn');
    const db = await createTestDb({ uri: ferret.uri(uniqueName('db')), logger: logs.logger });
    h = await startBotHarness({}, { db });
    allowBurstReplies(h);

    const figures = startBurst(h, 555_000_000);
    let read = 0;
    let sent = 0;
    await h.emulator.waitFor(
      (calls) => {
        for (; read < calls.length; read++) if (calls[read]!.method === 'sendMessage') sent++;
        return sent >= PEOPLE / 4;
      },
      240_000,
      'a quarter answered',
    );
    await ferret.restart(500);
    const f = await figures;

    const retried = logs.lines.filter((l) => l.msg === 'transient database error, retrying');
    report(`subscribe burst, FerretDB restarted a quarter of the way, ${retried.length} retries`, f);
    expect(retried.length).toBeGreaterThan(0);
    expect(f).toMatchObject({ stored: PEOPLE, answered: PEOPLE, errorsShown: 0 });
  }, 300_000);
});
