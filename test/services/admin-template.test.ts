import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, PermissionDeniedError, UnknownTimeZoneError } from '../../src/domain/errors.js';
import type { Services } from '../../src/services/index.js';
import { BUILT_IN_TEMPLATES } from '../../src/services/templates-data.js';
import { ADMIN, createServiceHarness, OWNER, type ServiceHarness } from './setup.js';

describe('admins', () => {
  let h: ServiceHarness;
  let s: Services;

  beforeAll(async () => {
    h = await createServiceHarness();
    s = h.services;
  });
  afterAll(() => h.db.drop());

  it('treats ADMIN_IDS as owners and lets only owners manage the others', async () => {
    expect(await s.admins.roleOf(OWNER)).toBe('owner');
    expect(await s.admins.roleOf(ADMIN)).toBeNull();
    expect(await s.admins.isAdmin(ADMIN)).toBe(false);
    await s.admins.add(OWNER, ADMIN, 'admin', 'Ann');
    await s.admins.add(OWNER, 3003, 'viewer');
    expect(await s.admins.roleOf(ADMIN)).toBe('admin');
    await expect(s.admins.add(ADMIN, 3004, 'viewer')).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(s.admins.remove(ADMIN, OWNER)).rejects.toMatchObject({ code: 'permission-denied' });
    await s.admins.changeRole(OWNER, ADMIN, 'owner');
    await expect(s.admins.remove(ADMIN, OWNER)).rejects.toMatchObject({
      params: { action: 'change-config-admin' },
    });
    await expect(s.admins.changeRole(OWNER, 3005, 'admin')).rejects.toBeInstanceOf(NotFoundError);
    expect(await s.admins.list()).toEqual([
      { id: OWNER, role: 'owner', fromConfig: true },
      { id: ADMIN, role: 'owner', name: 'Ann', fromConfig: false },
      { id: 3003, role: 'viewer', fromConfig: false },
    ]);
    expect(await s.admins.remove(ADMIN, 3003)).toBe(true);
    expect(await s.admins.roleOf(3003)).toBeNull();
  });

  it("keeps a config owner's preferences without granting a role to anyone else", async () => {
    expect(await s.admins.timeZoneOf(OWNER)).toBe('UTC');
    expect(await s.admins.setTimeZone(OWNER, 'europe/berlin')).toBe('Europe/Berlin');
    await s.admins.setLanguage(OWNER, 'ru');
    expect(await s.admins.timeZoneOf(OWNER)).toBe('Europe/Berlin');
    expect(await s.admins.languageOf(OWNER)).toBe('ru');
    await expect(s.admins.setTimeZone(OWNER, 'Mars/Base')).rejects.toBeInstanceOf(UnknownTimeZoneError);
    await s.admins.setTimeZone(5005, 'Asia/Tokyo');
    expect(await s.admins.roleOf(5005)).toBeNull();
    expect((await s.admins.list()).map((a) => a.id)).toEqual([OWNER, ADMIN]);
  });
});

describe('templates', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await createServiceHarness();
  });
  afterAll(() => h.db.drop());

  it("installs the seed's six templates once, with the seed's texts and their placeholders", async () => {
    const { templates } = h.services;
    expect(await templates.ensureBuiltIn()).toBe(6);
    expect(await templates.ensureBuiltIn()).toBe(0);
    expect(await h.models.Template.countDocuments()).toBe(6);
    const list = await templates.list();
    expect(list.map((t) => t.name)).toEqual([
      'Flash Sale',
      'New Product Launch',
      'Survey Request',
      'Event Invitation',
      'Order Confirmation',
      'Appointment Reminder',
    ]);
    expect(list.map((t) => t.text)).toEqual(BUILT_IN_TEMPLATES.map((t) => t.text));
    expect(await templates.get('flash_sale')).toMatchObject({
      text: 'Flash Sale! 🔥 Get up to [X]% off on [products]. Limited time offer! Use code: [CODE]',
      category: 'promotional',
      placeholders: ['X', 'products', 'CODE'],
    });
    expect((await templates.get('appointment_reminder')).placeholders).toEqual(['Date', 'Time', 'Address']);
    await expect(templates.get('nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
