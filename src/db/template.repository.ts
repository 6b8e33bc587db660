import type { Models } from './models.js';

export type TemplateCategory = 'promotional' | 'engagement' | 'transactional';

export interface Template {
  key: string;
  name: string;
  category: TemplateCategory;
  text: string;
  builtIn: boolean;
}

function toTemplate(doc: unknown): Template {
  const { key, name, category, text, builtIn } = doc as Template;
  return { key, name, category, text, builtIn };
}

export function createTemplateRepository({ Template: model }: Pick<Models, 'Template'>) {
  return {
    /** Inserts the templates that are missing, leaves existing ones as they are; returns how many were new. */
    async insertMissing(templates: readonly Template[]): Promise<number> {
      if (templates.length === 0) return 0;
      const now = new Date();
      // Timestamps only on insert: an existing template must come out of this untouched.
      const result = await model.bulkWrite(
        templates.map((t) => ({
          updateOne: {
            filter: { key: t.key },
            update: { $setOnInsert: { ...t, createdAt: now, updatedAt: now } },
            upsert: true,
            timestamps: false,
          },
        })),
        { ordered: false },
      );
      return result.upsertedCount;
    },

    async list(): Promise<Template[]> {
      const docs = await model.find().sort({ createdAt: 1, _id: 1 }).lean().exec();
      return docs.map(toTemplate);
    },

    async get(key: string): Promise<Template | null> {
      const doc = await model.findOne({ key }).lean().exec();
      return doc ? toTemplate(doc) : null;
    },
  };
}

export type TemplateRepository = ReturnType<typeof createTemplateRepository>;
