import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ID, type BotHarness, startBotHarness } from '../support/bot-harness.js';

const NEW_ADMIN = 777_000_001;

describe('/settings', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  const adminDoc = (id: number) => h.models.Admin.findById(id).lean();

  it("lists the admins with their roles, and the admin's own language and zone", async () => {
    const screen = await h.admin.sendAndWait('/settings', /⚙️ Settings/);
    expect(screen.text).toContain(`• ${ADMIN_ID} — owner (from the configuration)`);
    expect(screen.text).toContain('Your language: English');
    expect(screen.text).toMatch(/Your time zone: UTC \(now \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
  });

  it('lets the owner add an admin by numeric id with a role, change the role and remove them', async () => {
    h.person(NEW_ADMIN, 'Anna');
    await h.admin.sendAndWait('/settings', /⚙️ Settings/);
    await h.admin.pressAndWait('➕ Add admin', /numeric Telegram user ID/);
    await h.admin.sendAndWait('@anna', /not a Telegram user ID/);
    await h.admin.sendAndWait(`${NEW_ADMIN} Anna`, /Which role for 777000001 Anna\?/);
    const added = await h.admin.pressAndWait('viewer', /777000001 is now viewer/);
    expect(added.text).toContain('• 777000001 Anna — viewer');
    expect(await adminDoc(NEW_ADMIN)).toMatchObject({ role: 'viewer', name: 'Anna', addedBy: ADMIN_ID });
    expect(h.emulator.messagesIn(NEW_ADMIN).at(-1)?.text).toMatch(/added as viewer/);

    await h.admin.pressAndWait(/^✏️ • 777000001 Anna/, /777000001 Anna — viewer/);
    await h.admin.pressAndWait('admin', /777000001 is now admin/);
    expect((await adminDoc(NEW_ADMIN))?.role).toBe('admin');

    await h.admin.pressAndWait('✕ Remove admin', /Remove this admin\?/);
    expect((await adminDoc(NEW_ADMIN))?.role).toBe('admin');
    await h.admin.pressAndWait('✕ Yes, remove', /777000001 is no longer an admin/);
    expect((await adminDoc(NEW_ADMIN))?.role).toBeUndefined();
    expect(await h.services.admins.roleOf(NEW_ADMIN)).toBeNull();
  });

  it('never removes or changes an owner from the configuration', async () => {
    const screen = await h.admin.sendAndWait('/settings', /⚙️ Settings/);
    expect(
      h.admin
        .buttons(screen.message_id)
        .flat()
        .some((b) => b.includes(String(ADMIN_ID))),
    ).toBe(false);
    // Forged presses: no such button was shown, so nothing happens.
    for (const data of [`set:dy:${ADMIN_ID}`, `set:r:${ADMIN_ID}:v`]) {
      const answer = await h.admin.waitForAnswer(h.admin.pressCallbackData(data, screen.message_id));
      expect(answer.text).toMatch(/This button has expired: nothing was changed/);
    }
    expect(await h.services.admins.roleOf(ADMIN_ID)).toBe('owner');
  });

  it('refuses admin management to a non-owner, who can still set their own language and zone', async () => {
    await h.services.admins.add(ADMIN_ID, 777_000_002, 'admin');
    const admin = h.person(777_000_002, 'Bob');
    const screen = await admin.sendAndWait('/settings', /Only owners can add, change or remove admins/);
    expect(admin.buttons(screen.message_id).flat()).not.toContain('➕ Add admin');
    const answer = await admin.waitForAnswer(
      admin.pressCallbackData('set:ar:777000003:o', screen.message_id),
    );
    expect(answer.text).toBe('Only owners can manage admins.');
    expect(await h.services.admins.roleOf(777_000_003)).toBeNull();

    await admin.pressAndWait('🕐 Time zone', /Your time zone: UTC/);
    await admin.pressAndWait('Asia/Tokyo', /Time zone set to Asia\/Tokyo/);
    expect((await adminDoc(777_000_002))?.timeZone).toBe('Asia/Tokyo');
  });

  it('sets the time zone from a button or typed, checking the name', async () => {
    await h.admin.sendAndWait('/settings', /⚙️ Settings/);
    await h.admin.pressAndWait('🕐 Time zone', /type any IANA zone/);
    await h.admin.sendAndWait('Mars/Olympus', /“Mars\/Olympus” is not a time zone I know/);
    const set = await h.admin.sendAndWait('europe/berlin', /Time zone set to Europe\/Berlin/);
    expect(set.text).toMatch(/now \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Berlin/);
    expect((await adminDoc(ADMIN_ID))?.timeZone).toBe('Europe/Berlin');
    // The owner from the configuration keeps being an owner: the document only holds preferences.
    expect(await h.services.admins.roleOf(ADMIN_ID)).toBe('owner');
    expect(await h.services.admins.timeZoneOf(ADMIN_ID)).toBe('Europe/Berlin');
  });

  it('switches the language and answers in it from then on', async () => {
    await h.admin.sendAndWait('/settings', /⚙️ Settings/);
    await h.admin.pressAndWait('🌐 Language', /Choose your language/);
    const ru = await h.admin.pressAndWait('Русский', /Язык: Русский/);
    expect(ru.text).toContain('⚙️ Настройки');
    expect((await adminDoc(ADMIN_ID))?.language).toBe('ru');
    await h.admin.sendAndWait('/campaigns', /Кампании: какая платформа/);

    await h.admin.sendAndWait('/settings', /Настройки/);
    await h.admin.pressAndWait('🌐 Язык', /Выберите язык/);
    await h.admin.pressAndWait('English', /Language: English/);
  });

  it('forgets a pending question on /cancel or ✖ Cancel', async () => {
    await h.admin.sendAndWait('/settings', /⚙️ Settings/);
    await h.admin.pressAndWait('➕ Add admin', /numeric Telegram user ID/);
    await h.admin.sendAndWait('/cancel', /Cancelled. Nothing was changed/);
    await h.admin.sendAndWait('777000009', /didn't understand/);

    await h.admin.pressAndWait('➕ Add admin', /numeric Telegram user ID/, { messageId: undefined });
    await h.admin.pressAndWait('✖ Cancel', /Cancelled. Nothing was changed/);
    await h.admin.sendAndWait('777000009', /didn't understand/);
    await h.admin.sendAndWait('/cancel', /nothing to cancel/);
    expect(await h.services.admins.roleOf(777_000_009)).toBeNull();
  });
});
