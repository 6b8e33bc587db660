import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSettingError } from '../../src/domain/errors.js';
import type { Services } from '../../src/services/index.js';
import { createServiceHarness, type ServiceHarness } from './setup.js';

describe('WhatsApp contacts', () => {
  let h: ServiceHarness;
  let s: Services;

  beforeAll(async () => {
    h = await createServiceHarness();
    s = h.services;
  });
  afterAll(() => h.db.drop());

  it('imports rows as E.164 numbers and reports every refused row by its line', async () => {
    const report = await s.contacts.importContacts(
      [
        { line: 2, phone: '+1 (202) 555-0101', name: ' Olivia ', segments: ['vip customers'] },
        { line: 3, phone: '202-555-0102', name: 'Liam', segments: ['New Leads', 'Trade Show'] },
        { line: 4, phone: '', name: 'No number' },
        { line: 5, phone: '12345' },
        { line: 6, phone: 'call me' },
        { line: 7, phone: '+12025550101', name: 'Olivia again' },
        { line: 8, phone: '0151 23456789' },
        { line: 9, phone: '+49 151 23456789', segments: ['Repeat Buyers'] },
      ],
      { defaultCountry: 'us' },
    );
    expect(report).toEqual({
      added: 3,
      updated: 0,
      rejected: [
        { line: 4, reason: 'missing-phone' },
        { line: 5, reason: 'invalid-phone' },
        { line: 6, reason: 'invalid-phone' },
        { line: 7, reason: 'duplicate-in-file' },
        { line: 8, reason: 'invalid-phone' },
      ],
    });
    const { items } = await s.contacts.list();
    expect(items.map((c) => [c.phone, c.name, c.segments])).toEqual([
      ['+12025550101', 'Olivia', ['VIP Customers']],
      ['+12025550102', 'Liam', ['New Leads', 'Trade Show']],
      ['+4915123456789', '', ['Repeat Buyers']],
    ]);
  });

  it('updates known numbers on a second import, adds segments, keeps an opt-out and re-checks a number found invalid', async () => {
    expect(await s.contacts.optOut('+1 202 555 0102')).toBe(true);
    // what a send does when WhatsApp says the number is not on it
    await h.models.Contact.updateOne({ phone: '+12025550102' }, { $set: { valid: false } });
    const report = await s.contacts.importContacts(
      [
        { line: 2, phone: '+12025550102', name: 'Liam Turner' },
        { line: 3, phone: '+12025550103' },
      ],
      { segments: ['Webinar Participants'] },
    );
    expect(report).toEqual({ added: 1, updated: 1, rejected: [] });
    const liam = (await s.contacts.list({ segment: 'Webinar Participants' })).items.find(
      (c) => c.phone === '+12025550102',
    );
    expect(liam).toMatchObject({
      name: 'Liam Turner',
      optedOut: true,
      valid: true,
      segments: ['New Leads', 'Trade Show', 'Webinar Participants'],
    });
    await expect(s.contacts.importContacts([], { defaultCountry: 'XX' })).rejects.toBeInstanceOf(
      InvalidSettingError,
    );
  });

  it('lists segments with counts, the seed segments first', async () => {
    expect(await s.contacts.segmentCounts()).toEqual([
      { segment: 'VIP Customers', count: 1 },
      { segment: 'New Leads', count: 1 },
      { segment: 'Repeat Buyers', count: 1 },
      { segment: 'Inactive Customers', count: 0 },
      { segment: 'Webinar Participants', count: 2 },
      { segment: 'Trade Show', count: 1 },
    ]);
    const page = await s.contacts.list({ segment: 'Webinar Participants', pageSize: 1, page: 2 });
    expect(page).toMatchObject({ total: 2, pages: 2, page: 2 });
    expect(page.items.map((c) => c.phone)).toEqual(['+12025550103']);
  });

  it('exports contacts as CSV', async () => {
    const csv = await s.contacts.exportCsv({ segment: 'New Leads' });
    expect(csv).toBe(
      'Phone,Name,Segments,Opted Out,Valid\r\n+12025550102,Liam Turner,New Leads; Trade Show; Webinar Participants,true,true\r\n',
    );
  });
});
