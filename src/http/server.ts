import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { sameSecret } from './telegram-webhook.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface HttpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** resolves to a map of dependency → ok; any false turns /healthz into a 503 */
  health: () => Promise<Record<string, boolean>>;
  /** Prometheus text exposition */
  metrics?: () => string;
  /**
   * `Authorization: Bearer <token>` for /metrics. Without it /metrics answers only when the server
   * listens on a loopback address, and only to calls that did not come through a proxy.
   */
  metricsToken?: string;
  /** extra routes by exact path prefix, e.g. the Telegram webhook and click redirects */
  routes?: Record<string, Handler>;
}

export interface HttpServer {
  readonly port: number;
  stop(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The http role: health, metrics, webhook and redirects. No framework: four routes do not need one. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { logger } = options;
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      logger.error({ err, url: req.url }, 'http handler failed');
      if (!res.headersSent) res.writeHead(500).end('internal error');
    });
  });

  const loopback = isLoopback(options.host);
  function metricsAccess(req: IncomingMessage): 'ok' | 'token' | 'off' {
    if (options.metricsToken) {
      const auth = req.headers.authorization ?? '';
      const given = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
      return sameSecret(given, options.metricsToken) ? 'ok' : 'token';
    }
    const proxied = ['x-forwarded-for', 'forwarded', 'x-real-ip'].some((h) => req.headers[h] !== undefined);
    return loopback && !proxied ? 'ok' : 'off';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz') {
      const checks = await options.health();
      const ok = Object.values(checks).every(Boolean);
      res
        .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok, checks }));
      return;
    }
    if (path === '/metrics' && options.metrics) {
      const access = metricsAccess(req);
      if (access === 'ok') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(options.metrics());
      } else if (access === 'token') {
        res
          .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' })
          .end('unauthorized');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
      return;
    }
    for (const [prefix, route] of Object.entries(options.routes ?? {})) {
      if (path.startsWith(prefix)) return route(req, res);
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  logger.info({ host: options.host, port }, 'http listening');
  if (options.metrics && !options.metricsToken && !loopback) {
    logger.warn({ host: options.host }, '/metrics is off: set METRICS_TOKEN to serve it on a public address');
  }

  let stopped: Promise<void> | undefined;
  return {
    port,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
