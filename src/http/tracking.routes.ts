import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { TrackingService } from '../services/tracking.service.js';
import type { Handler } from './server.js';

/**
 * Link previews are fetched by the platforms' robots (Telegram's "TelegramBot (like TwitterBot)",
 * WhatsApp, Facebook, Slack…): they are redirected like anyone but never counted as a click.
 */
const PREVIEW_AGENTS = /TelegramBot|WhatsApp|facebookexternalhit|Twitterbot|Slackbot|Discordbot|LinkedInBot/i;

const NO_STORE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...NO_STORE }).end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', ...NO_STORE }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit = 4096): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `token` from `{"token": …}` JSON or `token=…` form data. */
function tokenFromBody(body: string, contentType: string | undefined): string | undefined {
  if ((contentType ?? '').includes('json')) {
    try {
      const v = (JSON.parse(body) as { token?: unknown }).token;
      return typeof v === 'string' ? v : undefined;
    } catch {
      return undefined;
    }
  }
  return new URLSearchParams(body).get('token') ?? undefined;
}

/** The token after `prefix`; a malformed escape (`%E0%A4%A`) is no token (404), not an error. */
function segment(path: string, prefix: string): string {
  try {
    return decodeURIComponent(path.slice(prefix.length).split('/')[0] ?? '');
  } catch (err) {
    if (err instanceof URIError) return '';
    throw err;
  }
}

/**
 * `GET /c/<token>`: redirects to the link at once, then stores the click (once per recipient).
 * `GET /g/<token>`: records a conversion and redirects to the campaign's goal page.
 * `POST /g` with `{"token": "…"}` (or `POST /g/<token>`): the same, for a server-to-server webhook.
 */
export function trackingRoutes(tracking: TrackingService, logger: Logger): Record<string, Handler> {
  const log = logger.child({ route: 'tracking' });
  return {
    '/c/': async (req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'method not allowed');
      const path = (req.url ?? '').split('?')[0] ?? '';
      const outcome = await tracking.click(segment(path, '/c/'));
      if (outcome.kind === 'invalid') return text(res, 404, 'This link is not valid.');
      if (outcome.kind === 'gone') return text(res, 410, 'This link is no longer available.');
      res.writeHead(302, { location: outcome.location, ...NO_STORE }).end();
      const robot = PREVIEW_AGENTS.test(req.headers['user-agent'] ?? '');
      // A HEAD or a preview robot is not a person: redirected, not counted.
      if (req.method === 'HEAD' || robot) return;
      const first = await outcome.record();
      log.debug({ first }, 'click');
    },
    '/g': async (req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (path !== '/g' && !path.startsWith('/g/')) return text(res, 404, 'not found');
      const fromPath = path.startsWith('/g/') ? segment(path, '/g/') : '';
      if (req.method === 'POST') {
        let token = fromPath;
        if (!token) {
          const body = await readBody(req).catch(() => undefined);
          if (body === undefined) return json(res, 413, { ok: false, error: 'body too large' });
          token = tokenFromBody(body, req.headers['content-type']) ?? '';
        }
        const outcome = await tracking.goal(token, 'webhook');
        if (outcome.kind === 'invalid') return json(res, 400, { ok: false, error: 'invalid token' });
        return json(res, 200, { ok: true, first: outcome.first });
      }
      if (req.method !== 'GET') return text(res, 405, 'method not allowed');
      const outcome = await tracking.goal(fromPath, 'goal_url');
      if (outcome.kind === 'invalid') return text(res, 404, 'This link is not valid.');
      if (outcome.location) res.writeHead(302, { location: outcome.location, ...NO_STORE }).end();
      else text(res, 200, 'Thank you.');
    },
  };
}
