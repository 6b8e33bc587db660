import { type Logger, pino } from 'pino';

export type { Logger };

/** Structured JSON logs. Tokens never reach them; phone numbers are masked by callers via maskPhone. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...base },
    redact: {
      paths: ['token', 'botToken', '*.token', 'config.BOT_TOKEN', 'BOT_TOKEN', 'phone', '*.phone'],
      censor: '[redacted]',
    },
  });
}

/** +4915112345678 → +49151•••••678: enough to tell numbers apart in logs, not enough to call them. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '•••';
  return `${phone.slice(0, 6)}${'•'.repeat(phone.length - 9)}${phone.slice(-3)}`;
}

/** Removes a bot token from any string (URLs in error messages carry it). */
export function scrubToken(text: string): string {
  return text.replace(/bot\d+:[\w-]+/g, 'bot<token>');
}
