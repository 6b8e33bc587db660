import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ID, type BotHarness, startBotHarness } from '../support/bot-harness.js';
import { type PrivateFerretDb, startPrivateFerretDb } from '../support/private-ferretdb.js';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis.js';
import { createTestDb, uniqueName } from '../support/services.js';

const EN = 'Something went wrong on our side. Nothing was changed; please try again.';
const RU = 'У нас что-то пошло не так. Ничего не изменилось, попробуйте ещё раз.';

describe('MongoDB and Redis gone: the error answer still comes, in the person’s language', () => {
  let ferret: PrivateFerretDb;
  let redis: PrivateRedis;
  let h: BotHarness;

  beforeAll(async () => {
    ferret = await startPrivateFerretDb();
    redis = await startPrivateRedis();
    const db = await createTestDb({ uri: ferret.uri(uniqueName('outage')) });
    h = await startBotHarness({}, { db, redisUrl: redis.url });
  }, 60_000);

  afterAll(async () => {
    await ferret?.revive().catch(() => {});
    await redis?.revive().catch(() => {});
    await h?.stop();
    await redis?.stop();
    await ferret?.stop();
  }, 60_000);

  it('answers with the fixed message from the locale files, without a database lookup', async () => {
    await h.admin.sendAndWait('/start', /Welcome, Olivia/);
    const anna = h.person(900_401, 'Anna', 'ru');
    await anna.sendAndWait('/start', /подписаны|подписались/i);

    await ferret.kill();
    await redis.kill();

    // The database driver and its retries give up after some seconds; then the error path answers.
    const admin = await h.admin.sendAndWait('/campaigns', EN, 60_000);
    expect(admin.text).toBe(EN);
    const ru = await anna.sendAndWait('/help', RU, 60_000);
    expect(ru.text).toBe(RU);
    expect(h.emulator.sentTo(ADMIN_ID).at(-1)?.params.text).toBe(EN);
  }, 150_000);
});
