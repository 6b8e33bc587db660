import type { Config } from '../config.js';
import type { Models } from '../db/models.js';
import type { Logger } from '../logger.js';

/** What every service factory receives; `clock` is injectable so tests can pin "now". */
export interface ServiceDeps {
  models: Models;
  logger: Logger;
  clock?: () => Date;
}

export type ServiceConfig = Pick<Config, 'ADMIN_IDS' | 'DEFAULT_TIMEZONE'> &
  Partial<Pick<Config, 'RESPONSE_WINDOW_HOURS'>>;

export const systemClock = (): Date => new Date();

/** 1-based page numbers; a page past the end shows the last one, so a list never goes blank after deletes. */
export function pageWindow(total: number, page = 1, pageSize = 10) {
  const size = Math.max(1, Math.floor(pageSize));
  const pages = Math.max(1, Math.ceil(total / size));
  const current = Math.min(Math.max(1, Math.floor(page)), pages);
  return { page: current, pages, pageSize: size, skip: (current - 1) * size };
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
}
