import { createLogger, type Logger } from '../../src/logger.js';

export interface CapturedLogs {
  logger: Logger;
  /** every line logged so far, parsed */
  lines: Record<string, unknown>[];
  /** the raw text of every line, to check what never reaches a log */
  text(): string;
}

/**
 * The app's own logger (its error serializer included) whose lines are kept in memory for the test
 * to read. `secrets` as main.ts passes them from the configuration.
 */
export function captureLogs(level = 'info', secrets: string[] = []): CapturedLogs {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    level,
    {},
    {
      secrets,
      destination: {
        write(line: string) {
          raw.push(line);
          lines.push(JSON.parse(line) as Record<string, unknown>);
        },
      },
    },
  );
  return { logger, lines, text: () => raw.join('') };
}
