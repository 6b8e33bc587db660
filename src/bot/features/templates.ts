import { Composer, InlineKeyboard } from 'grammy';
import { NotFoundError } from '../../domain/errors.js';
import type { BotContext } from '../context.js';
import { canChange, isAdmin } from '../filters.js';
import { enterNewCampaign } from './new-campaign.js';
import { label, pressed, show } from './screen.js';

/** /templates: the built-in templates, a preview with the blanks to fill in, and a campaign from one. */
export function templatesFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const feature = composer.chatType('private').filter(isAdmin);

  async function list(ctx: BotContext, opts: { send?: boolean } = {}): Promise<void> {
    const templates = await ctx.deps.services.templates.list();
    const lines = [ctx.t('templates-title', { count: templates.length }), ''];
    for (const t of templates) {
      lines.push(ctx.t('templates-line', { name: t.name, category: t.category }));
    }
    const keyboard = InlineKeyboard.from(
      templates.map((t) => [InlineKeyboard.text(label(t.name), `tpl:v:${t.key}`)]),
    );
    await show(ctx, lines.join('\n'), keyboard, opts);
  }

  feature.command('templates', (ctx) => list(ctx));
  feature.callbackQuery(
    'home:templates',
    pressed(async (ctx) => list(ctx, { send: true })),
  );
  feature.callbackQuery(
    'tpl:l',
    pressed(async (ctx) => list(ctx)),
  );

  feature.callbackQuery(
    /^tpl:v:([\w-]+)$/,
    pressed(async (ctx) => {
      const key = ctx.match[1]!;
      let template: Awaited<ReturnType<BotContext['deps']['services']['templates']['get']>>;
      try {
        template = await ctx.deps.services.templates.get(key);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        await list(ctx);
        return { text: ctx.t('templates-gone'), alert: true };
      }
      const lines = [
        ctx.t('templates-preview-title', { name: template.name, category: template.category }),
        '',
        template.text,
        '',
        template.placeholders.length
          ? ctx.t('templates-placeholders', {
              placeholders: template.placeholders.map((p) => `[${p}]`).join(', '),
            })
          : ctx.t('templates-no-placeholders'),
      ];
      const keyboard = new InlineKeyboard();
      if (canChange(ctx)) keyboard.text(ctx.t('templates-btn-start'), `tpl:n:${key}`).row();
      keyboard.text(ctx.t('templates-btn-back'), 'tpl:l');
      await show(ctx, lines.join('\n'), keyboard);
      return undefined;
    }),
  );

  feature.callbackQuery(
    /^tpl:n:([\w-]+)$/,
    pressed(async (ctx) => {
      if (!canChange(ctx)) return { text: ctx.t('viewer-read-only'), alert: true };
      const templateKey = ctx.match[1]!;
      await ctx.deps.services.templates.get(templateKey);
      await enterNewCampaign(ctx, { templateKey });
      return undefined;
    }),
  );

  return composer;
}
