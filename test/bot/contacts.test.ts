import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotHarness, startBotHarness } from '../support/bot-harness.js';

const GOOD_AND_BAD = [
  'phone,name,segments',
  '+4915112345678,Anna Schmidt,VIP Customers;New Leads',
  '+14155552671,"Stone, Bob",repeat buyers',
  'not-a-number,Bad Row,VIP Customers',
  '+44 7911 123456,Carol King,',
  ',No Phone,New Leads',
  '+4915112345678,Anna Again,Webinar Participants',
].join('\n');

describe('/contacts', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function startImport(): Promise<void> {
    await h.admin.sendAndWait('/contacts', /WhatsApp contacts/);
    await h.admin.pressAndWait('📥 Import CSV', /Send the CSV file as a document/);
  }

  it("shows the contacts per segment, the seed's segments first", async () => {
    const overview = await h.admin.sendAndWait('/contacts', /WhatsApp contacts: 0 in total/);
    expect(overview.text).toContain(
      'VIP Customers: 0\nNew Leads: 0\nRepeat Buyers: 0\nInactive Customers: 0\nWebinar Participants: 0',
    );
  });

  it('imports a CSV document, keeps the good rows and reports the bad ones by line number', async () => {
    await startImport();
    h.admin.sendDocument({ fileName: 'contacts.csv', mime: 'text/csv', content: GOOD_AND_BAD });
    const report = await h.admin.waitForReply(/Import finished/);
    expect(report.text).toContain('Import finished: 3 added, 0 updated, 3 rows skipped.');
    expect(report.text).toContain('Line 4: not a valid phone number');
    expect(report.text).toContain('Line 6: no phone number');
    expect(report.text).toContain('Line 7: the same number appears earlier in the file');

    const stored = await h.models.Contact.find().sort({ phone: 1 }).lean();
    expect(stored.map((c) => [c.phone, c.name, c.segments])).toEqual([
      ['+14155552671', 'Stone, Bob', ['Repeat Buyers']],
      ['+447911123456', 'Carol King', []],
      ['+4915112345678', 'Anna Schmidt', ['VIP Customers', 'New Leads']],
    ]);

    const overview = await h.admin.pressAndWait('📇 Contacts', /WhatsApp contacts: 3 in total/);
    expect(overview.text).toContain('VIP Customers: 1\nNew Leads: 1\nRepeat Buyers: 1');
  });

  it('imports a file without a header row', async () => {
    await startImport();
    h.admin.sendDocument({
      fileName: 'more.csv',
      content: '+33612345678,Denise\r\n+4915112345678,,Inactive Customers\r\n',
    });
    const report = await h.admin.waitForReply(/Import finished/);
    expect(report.text).toContain('1 added, 1 updated, 0 rows skipped');
    expect((await h.models.Contact.findOne({ phone: '+4915112345678' }).lean())?.segments).toEqual([
      'VIP Customers',
      'New Leads',
      'Inactive Customers',
    ]);
  });

  it('answers a malformed file specifically and keeps waiting for a good one', async () => {
    await startImport();
    h.admin.sendDocument({
      fileName: 'logo.png',
      mime: 'image/png',
      content: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    });
    expect((await h.admin.waitForReply(/not a CSV file/)).text).toContain('logo.png');
    h.admin.sendDocument({
      fileName: 'contacts.csv',
      mime: 'text/csv',
      content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff]),
    });
    await h.admin.waitForReply(/not a text file/);
    h.admin.sendDocument({ fileName: 'empty.csv', mime: 'text/csv', content: '' });
    await h.admin.waitForReply(/The file is empty/);
    h.admin.sendDocument({ fileName: 'header.csv', mime: 'text/csv', content: 'phone,name,segments\n' });
    await h.admin.waitForReply(/has a header but no contacts/);
    h.admin.sendDocument({
      fileName: 'broken.csv',
      mime: 'text/csv',
      content: 'phone,name\n+33612345679,"Unclosed\n',
    });
    await h.admin.waitForReply(/quote opened on line 2 is never closed/);
    h.admin.sendDocument({
      fileName: 'huge.csv',
      mime: 'text/csv',
      content: Buffer.alloc(5 * 1024 * 1024 + 1, 0x31),
    });
    await h.admin.waitForReply(/too large .* the limit is 5 MB/);
    await h.admin.sendAndWait('here it is', /send the CSV as a document/);
    expect(await h.models.Contact.countDocuments()).toBe(4);

    h.admin.sendDocument({ fileName: 'fixed.csv', mime: 'text/csv', content: 'phone\n+33612345679\n' });
    await h.admin.waitForReply(/Import finished: 1 added/);
  });

  it('exports the contacts as a CSV document', async () => {
    await h.admin.sendAndWait('/contacts', /WhatsApp contacts: 5 in total/);
    const before = h.emulator.callsOf('sendDocument').length;
    h.admin.pressButton('⬇ Export all (CSV)');
    const doc = await h.admin.waitForReply((m) => m.document !== undefined);
    expect(doc.document?.file_name).toBe('contacts.csv');
    const csv = h.emulator.callsOf('sendDocument').slice(before)[0]!.files[0]!.content.toString('utf8');
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe('Phone,Name,Segments,Opted Out,Valid');
    expect(rows).toHaveLength(6);
    expect(rows).toContain('+14155552671,"Stone, Bob",Repeat Buyers,false,true');
  });

  it('does not import for a viewer, and /cancel ends the question', async () => {
    await h.services.admins.add(h.admin.id, 555_000_001, 'viewer');
    const viewer = h.person(555_000_001, 'Vi');
    const overview = await viewer.sendAndWait('/contacts', /WhatsApp contacts/);
    expect(viewer.buttons(overview.message_id).flat()).not.toContain('📥 Import CSV');
    const answer = await viewer.waitForAnswer(viewer.pressCallbackData('cts:i', overview.message_id));
    expect(answer.text).toMatch(/viewer/);

    await startImport();
    await h.admin.sendAndWait('/cancel', /Cancelled. Nothing was changed/);
    h.admin.sendDocument({ fileName: 'late.csv', mime: 'text/csv', content: '+33699999999\n' });
    await h.admin.waitForReply(/open \/contacts, press 📥 Import CSV/);
    expect(await h.models.Contact.countDocuments({ phone: '+33699999999' })).toBe(0);
  });

  it('keeps at most 64 characters of a name, however long the cell in the file', async () => {
    await startImport();
    const long = `Zoë ${'Ω'.repeat(5000)}`;
    h.admin.sendDocument({
      fileName: 'long.csv',
      content: `+33612340001,"${long}",New Leads\r\n+33612340002,"  Ann \t\n Lee  ",New Leads\r\n`,
    });
    await h.admin.waitForReply(/Import finished: 2 added/);
    const stored = await h.models.Contact.findOne({ phone: '+33612340001' }).lean();
    expect(Array.from(stored?.name ?? '')).toHaveLength(64);
    expect(stored?.name).toBe(`Zoë ${'Ω'.repeat(60)}`);
    expect((await h.models.Contact.findOne({ phone: '+33612340002' }).lean())?.name).toBe('Ann Lee');
  });
});

describe('/contacts with DEFAULT_PHONE_COUNTRY', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ DEFAULT_PHONE_COUNTRY: 'de' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reads numbers without a country code as that country, and says so', async () => {
    await h.admin.sendAndWait('/contacts', /WhatsApp contacts/);
    await h.admin.pressAndWait('📥 Import CSV', /read as DE numbers/);
    h.admin.sendDocument({ fileName: 'local.csv', content: '0151 12345678,Lena\n+14155552671,Bob\n' });
    const report = await h.admin.waitForReply(/Import finished/);
    expect(report.text).toContain('2 added, 0 updated, 0 rows skipped');
    expect((await h.models.Contact.find().sort({ phone: 1 }).lean()).map((c) => c.phone)).toEqual([
      '+14155552671',
      '+4915112345678',
    ]);
  });
});
