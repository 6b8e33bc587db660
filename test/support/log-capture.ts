import { pino } from 'pino';
import type { Logger } from '../../src/logger.js';

export interface CapturedLogs {
  logger: Logger;
  /** every line logged so far, parsed */
  lines: Record<string, unknown>[];
  /** the raw text of every line, to check what never reaches a log */
  text(): string;
}

/** A real pino logger whose lines are kept in memory for the test to read. */
export function captureLogs(level = 'info'): CapturedLogs {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level },
    {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines, text: () => raw.join('') };
}
