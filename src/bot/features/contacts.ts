import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { SEGMENTS } from '../../domain/campaign.js';
import { DomainError } from '../../domain/errors.js';
import { assertContactFile, CONTACT_FILE_LIMIT, readContactsCsv } from '../../services/contact-csv.js';
import type { BotContext } from '../context.js';
import { canChange, isAdmin } from '../filters.js';
import { cancelKeyboard, createPendingInput } from './pending-input.js';
import { errorText, pressed, show } from './screen.js';

/** The report lists this many refused rows; the rest are counted. */
const REPORT_LINES = 40;

async function download(ctx: BotContext, fileId: string): Promise<Uint8Array> {
  const file = await ctx.api.getFile(fileId);
  if (!file.file_path) throw new Error('getFile returned no file_path');
  const { TELEGRAM_API_ROOT, BOT_TOKEN } = ctx.deps.config;
  const response = await fetch(`${TELEGRAM_API_ROOT}/file/bot${BOT_TOKEN}/${file.file_path}`);
  if (!response.ok) throw new Error(`file download failed with HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** /contacts: WhatsApp contacts per segment, CSV import (sent as a document) and export. */
export function contactsFeature(storagePrefix = 'mb:'): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);
  const pending = createPendingInput(storagePrefix);

  async function overview(ctx: BotContext, opts: { send?: boolean; notice?: string } = {}): Promise<void> {
    const services = ctx.deps.services;
    const [counts, all] = await Promise.all([
      services.contacts.segmentCounts(),
      services.contacts.list({ page: 1, pageSize: 1 }),
    ]);
    const lines: string[] = [];
    if (opts.notice) lines.push(opts.notice, '');
    lines.push(ctx.t('contacts-title', { total: all.total }), '');
    for (const { segment, count } of counts) lines.push(ctx.t('contacts-segment-line', { segment, count }));
    const keyboard = new InlineKeyboard();
    if (canChange(ctx)) keyboard.text(ctx.t('contacts-btn-import'), 'cts:i');
    keyboard
      .text(ctx.t('contacts-btn-export'), 'cts:x')
      .row()
      .text(ctx.t('contacts-btn-export-segment'), 'cts:xs');
    await show(ctx, lines.join('\n'), keyboard, opts);
  }

  feature.command('contacts', async (ctx) => {
    await pending.clear(ctx);
    await overview(ctx);
  });
  feature.callbackQuery(
    'home:contacts',
    pressed(async (ctx) => {
      await pending.clear(ctx);
      await overview(ctx, { send: true });
    }),
  );
  feature.callbackQuery(
    'cts:o',
    pressed(async (ctx) => overview(ctx)),
  );

  feature.callbackQuery(
    'cts:i',
    pressed(async (ctx) => {
      if (!canChange(ctx)) return { text: ctx.t('viewer-read-only'), alert: true };
      await pending.set(ctx, { kind: 'cts-import' });
      const country = ctx.deps.config.DEFAULT_PHONE_COUNTRY;
      const prompt = ctx.t('contacts-import-prompt', { limit: '5 MB' });
      await ctx.reply(country ? `${prompt}\n${ctx.t('contacts-import-country', { country })}` : prompt, {
        reply_markup: cancelKeyboard(ctx),
      });
      return undefined;
    }),
  );

  async function sendCsv(ctx: BotContext, segment?: string): Promise<void> {
    const csv = await ctx.deps.services.contacts.exportCsv(segment ? { segment } : {});
    const rows = Math.max(0, csv.split('\r\n').length - 2);
    const name = segment
      ? `contacts-${segment.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.csv`
      : 'contacts.csv';
    await ctx.replyWithDocument(new InputFile(Buffer.from(csv, 'utf8'), name), {
      caption: segment
        ? ctx.t('contacts-export-caption-segment', { count: rows, segment })
        : ctx.t('contacts-export-caption', { count: rows }),
    });
  }

  feature.callbackQuery(
    'cts:x',
    pressed(async (ctx) => sendCsv(ctx)),
  );
  feature.callbackQuery(
    'cts:xs',
    pressed(async (ctx) => {
      const rows = SEGMENTS.map((segment, i) => [InlineKeyboard.text(segment, `cts:xs:${i}`)]);
      rows.push([InlineKeyboard.text(ctx.t('contacts-btn-back'), 'cts:o')]);
      await show(ctx, ctx.t('contacts-export-segment-title'), InlineKeyboard.from(rows));
    }),
  );
  feature.callbackQuery(
    /^cts:xs:(\d+)$/,
    pressed(async (ctx) => {
      const segment = SEGMENTS[Number(ctx.match[1])];
      if (!segment) return { text: ctx.t('outdated-button') };
      await sendCsv(ctx, segment);
      return undefined;
    }),
  );

  feature.on('message:document', async (ctx, next) => {
    const p = await pending.mine(ctx, 'cts-import');
    const doc = ctx.message.document;
    if (!p) {
      // A CSV sent out of the blue: say where imports start instead of "I didn't understand".
      if (/\.csv$/i.test(doc.file_name ?? '')) await ctx.reply(ctx.t('contacts-import-hint'));
      else await next();
      return;
    }
    if (!canChange(ctx)) {
      await pending.clear(ctx);
      await ctx.reply(ctx.t('viewer-read-only'));
      return;
    }
    try {
      assertContactFile({
        ...(doc.file_name !== undefined ? { fileName: doc.file_name } : {}),
        ...(doc.mime_type !== undefined ? { mime: doc.mime_type } : {}),
        ...(doc.file_size !== undefined ? { size: doc.file_size } : {}),
      });
      const rows = readContactsCsv(await download(ctx, doc.file_id));
      const country = ctx.deps.config.DEFAULT_PHONE_COUNTRY;
      const report = await ctx.deps.services.contacts.importContacts(
        rows,
        country ? { defaultCountry: country } : {},
      );
      await pending.clear(ctx);
      const lines = [
        ctx.t('contacts-import-done', {
          added: report.added,
          updated: report.updated,
          rejected: report.rejected.length,
        }),
      ];
      if (report.rejected.length > 0) lines.push('', ctx.t('contacts-import-rejected-title'));
      for (const r of report.rejected.slice(0, REPORT_LINES)) {
        lines.push(ctx.t('contacts-import-rejected-line', { line: String(r.line), reason: r.reason }));
      }
      if (report.rejected.length > REPORT_LINES) {
        lines.push(ctx.t('contacts-import-more', { count: report.rejected.length - REPORT_LINES }));
      }
      await ctx.reply(lines.join('\n'), {
        reply_markup: new InlineKeyboard().text(ctx.t('contacts-btn-overview'), 'cts:o'),
      });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      // The question stays open: the admin can send a corrected file at once.
      await ctx.reply(ctx.t('contacts-import-failed', { error: errorText(ctx, err) }));
    }
  });

  feature.on('message', async (ctx, next) => {
    if (ctx.message.text?.startsWith('/')) return next();
    if (!(await pending.mine(ctx, 'cts-import'))) return next();
    await ctx.reply(
      ctx.t('contacts-import-need-document', { limit: `${CONTACT_FILE_LIMIT / 1024 / 1024} MB` }),
    );
  });

  return composer;
}
