import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../logger.js';
import type { Handler } from './server.js';

export const WEBHOOK_PATH = '/telegram/webhook';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * Compares two secrets in constant time: both are hashed first, so neither their content nor their
 * length changes how long the comparison takes.
 */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `POST /telegram/webhook`: only calls that carry Telegram's secret header reach the bot (`handle`);
 * anything else is answered 401 before its body is read.
 */
export function telegramWebhookRoute(opts: { secret: string; logger: Logger; handle: Handler }): Handler {
  const log = opts.logger.child({ route: 'telegram-webhook' });
  return async (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WEBHOOK_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (!sameSecret(header(req, SECRET_HEADER), opts.secret)) {
      log.info({ remote: req.socket.remoteAddress }, 'webhook call without the right secret refused');
      res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
      req.resume();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'POST' }).end('method not allowed');
      req.resume();
      return;
    }
    await opts.handle(req, res);
  };
}
