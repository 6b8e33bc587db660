import { createSettingRepository } from '../db/setting.repository.js';
import type { ServiceDeps } from './deps.js';

/** Settings changed from the bot; the caller passes the config default for unset keys. */
export function createSettingService({ models }: ServiceDeps) {
  const repo = createSettingRepository(models);
  return {
    async get<T>(key: string, fallback: T): Promise<T> {
      const value = await repo.get(key);
      return value === undefined || value === null ? fallback : (value as T);
    },

    set(key: string, value: unknown): Promise<void> {
      return repo.set(key, value);
    },
  };
}

export type SettingService = ReturnType<typeof createSettingService>;
