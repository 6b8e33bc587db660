import type { Models } from './models.js';

/** Key/value settings changed from the bot; defaults live in config. */
export function createSettingRepository({ Setting: model }: Pick<Models, 'Setting'>) {
  return {
    async get(key: string): Promise<unknown> {
      const doc = await model.findById(key).lean().exec();
      return doc?.value;
    },

    async set(key: string, value: unknown): Promise<void> {
      await model.updateOne({ _id: key }, { $set: { value } }, { upsert: true }).exec();
    },
  };
}

export type SettingRepository = ReturnType<typeof createSettingRepository>;
