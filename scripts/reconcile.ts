/**
 * Recomputes the run counters (the figures of every screen) from what MongoDB keeps — the deliveries
 * and the marks of first clicks, conversions and replies — reports every figure that drifted, and
 * with --repair writes the recount over the counters. Campaigns being sent are skipped (their figures
 * move while they are counted) unless --include-sending.
 *
 *   MONGODB_URI=… REDIS_URL=… npx tsx scripts/reconcile.ts [--campaign 42] [--repair] [--include-sending]
 *
 * Exit code 0: no drift (or all repaired); 3: drift found and not repaired; 2: bad configuration.
 */
import { pathToFileURL } from 'node:url';
import { ConfigError, loadStorageConfig } from '../src/config.js';
import { createCounterStore } from '../src/db/counter.store.js';
import { createModels } from '../src/db/models.js';
import { connectMongo } from '../src/db/mongo.js';
import { connectRedis } from '../src/db/redis.js';
import { createLogger } from '../src/logger.js';
import { createFiguresService, type ReconcileReport } from '../src/services/figures.service.js';

export function formatReport(report: ReconcileReport, repair: boolean): string {
  const lines = [
    `${report.campaigns} campaigns, ${report.runs} runs recounted` +
      (report.skipped.length > 0 ? `, ${report.skipped.length} runs skipped (sending)` : ''),
  ];
  if (report.drifts.length === 0) lines.push('no drift: the counters match the deliveries');
  for (const d of report.drifts) {
    lines.push(
      d.field === 'missing'
        ? `campaign ${d.campaignId} run ${d.run}: no counters`
        : `campaign ${d.campaignId} run ${d.run}: ${d.field} counted ${d.counted}, recounted ${d.recounted}`,
    );
  }
  if (report.drifts.length > 0) {
    lines.push(repair ? `${report.repaired} runs repaired` : 'not repaired: run again with --repair');
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const flag = (name: string) => argv.includes(`--${name}`);
  const at = argv.indexOf('--campaign');
  const campaignId = at >= 0 ? Number(argv[at + 1]) : undefined;
  if (campaignId !== undefined && !Number.isInteger(campaignId)) {
    process.stderr.write('--campaign expects a campaign number\n');
    return 2;
  }
  let config: ReturnType<typeof loadStorageConfig>;
  try {
    config = loadStorageConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`configuration error: ${err.message}\n`);
    return 2;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const conn = await connectMongo(config.MONGODB_URI, logger, { attempts: 3, delayMs: 500 });
  const redis = await connectRedis(config.REDIS_URL, logger, { attempts: 3, delayMs: 500 });
  try {
    const models = await createModels(conn);
    const counters = createCounterStore(redis, { database: conn.name, logger });
    const figures = createFiguresService({ models, logger, counters });
    const repair = flag('repair');
    const report = await figures.reconcile({
      ...(campaignId !== undefined ? { campaignId } : {}),
      repair,
      includeSending: flag('include-sending'),
    });
    await counters.close();
    process.stdout.write(`${formatReport(report, repair)}\n`);
    return report.drifts.length > 0 && !repair ? 3 : 0;
  } finally {
    await conn.close();
    redis.disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
