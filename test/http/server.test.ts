import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createModels } from '../../src/db/models.js';
import { type HttpServer, startHttpServer } from '../../src/http/server.js';
import { trackingRoutes } from '../../src/http/tracking.routes.js';
import { createServices } from '../../src/services/index.js';
import { captureLogs } from '../support/log-capture.js';
import { createTestDb, createTestRedis, type TestDb, testRedisUrl } from '../support/services.js';

const METRICS = 'dispatch_messages_sent_total 7\n';

describe('the http role, called as anyone on the network would', () => {
  const token = randomBytes(32).toString('hex');
  const servers: HttpServer[] = [];
  const logs = captureLogs('info');
  let db: TestDb;
  const redis = createTestRedis();

  async function serve(host: string, metricsToken?: string): Promise<string> {
    db ??= await createTestDb();
    const config = loadConfig({
      BOT_TOKEN: '123456:ABCdefGHIjklMNOpqrsTUVwxyz',
      ADMIN_IDS: '1',
      MONGODB_URI: db.uri,
      REDIS_URL: testRedisUrl(),
    });
    const services = createServices({
      models: await createModels(db.conn),
      logger: logs.logger,
      config,
      redis,
    });
    const server = await startHttpServer({
      host,
      port: 0,
      logger: logs.logger,
      health: async () => ({}),
      metrics: () => METRICS,
      ...(metricsToken ? { metricsToken } : {}),
      routes: trackingRoutes(services.tracking, logs.logger),
    });
    servers.push(server);
    return `http://127.0.0.1:${server.port}`;
  }

  afterAll(async () => {
    for (const s of servers) await s.stop();
    await db?.drop();
    await redis.quit();
  });

  describe('with METRICS_TOKEN', () => {
    let base: string;
    beforeAll(async () => {
      base = await serve('127.0.0.1', token);
    });

    it('/metrics answers 401 without the bearer token or with a wrong one, 200 with it', async () => {
      const without = await fetch(`${base}/metrics`);
      expect(without.status).toBe(401);
      expect(without.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await without.text()).not.toContain('dispatch_');
      for (const auth of [`Bearer ${token.slice(1)}`, `Basic ${token}`, token, `Bearer ${token}x`]) {
        expect((await fetch(`${base}/metrics`, { headers: { authorization: auth } })).status).toBe(401);
      }
      const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe(METRICS);
    });

    it('a malformed escape in a click or goal link is a quiet 404, not a 500 and an error in the log', async () => {
      for (const path of ['/c/%E0%A4%A', '/c/%', '/g/%E0%A4%A']) {
        const res = await fetch(`${base}${path}`, { redirect: 'manual' });
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
      }
      expect(logs.lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    });
  });

  describe('without METRICS_TOKEN', () => {
    it('serves /metrics on a loopback address, but not to a call a proxy forwarded', async () => {
      const base = await serve('127.0.0.1');
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
      const proxied = await fetch(`${base}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(proxied.status).toBe(404);
    });

    it('turns /metrics off on any other address, and says so at start', async () => {
      const base = await serve('0.0.0.0');
      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      expect(logs.lines.some((l) => /\/metrics is off: set METRICS_TOKEN/.test(String(l.msg)))).toBe(true);
    });
  });
});
