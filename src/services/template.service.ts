import { createTemplateRepository, type Template } from '../db/template.repository.js';
import { NotFoundError } from '../domain/errors.js';
import { findPlaceholders } from '../domain/message.js';
import type { ServiceDeps } from './deps.js';
import { BUILT_IN_TEMPLATES } from './templates-data.js';

export interface TemplateView extends Template {
  /** `[CODE]`, `[Link]`…: what the admin still has to fill in */
  placeholders: string[];
}

const view = (t: Template): TemplateView => ({ ...t, placeholders: findPlaceholders(t.text) });

export function createTemplateService({ models, logger }: ServiceDeps) {
  const repo = createTemplateRepository(models);
  return {
    /** Installs the seed's templates that are missing; safe on every start. */
    async ensureBuiltIn(): Promise<number> {
      const added = await repo.insertMissing(BUILT_IN_TEMPLATES);
      if (added > 0) logger.info({ added }, 'built-in templates installed');
      return added;
    },

    /** The built-in ones in the seed's order, then the others in the order they were added. */
    async list(): Promise<TemplateView[]> {
      const rank = (t: Template) => {
        const i = BUILT_IN_TEMPLATES.findIndex((b) => b.key === t.key);
        return i === -1 ? BUILT_IN_TEMPLATES.length : i;
      };
      const templates = await repo.list();
      return templates
        .map((t, i) => ({ t, i }))
        .sort((a, b) => rank(a.t) - rank(b.t) || a.i - b.i)
        .map(({ t }) => view(t));
    },

    async get(key: string): Promise<TemplateView> {
      const template = await repo.get(key);
      if (!template) throw new NotFoundError('template', key);
      return view(template);
    },
  };
}

export type TemplateService = ReturnType<typeof createTemplateService>;
