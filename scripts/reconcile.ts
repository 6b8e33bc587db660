/**
 * Recomputes the run counters (the figures of every screen) from what MongoDB keeps — the deliveries
 * and the marks of first clicks, conversions and replies — reports every figure that drifted, and
 * with --repair writes the recount over the counters. Campaigns being sent are skipped (their figures
 * move while they are counted) unless --include-sending. Then the same for the audience counts
 * (reachable subscribers, contacts per segment, the /contacts lists), person by person; --campaign
 * leaves those out, --audience does only them.
 *
 *   MONGODB_URI=… REDIS_URL=… npx tsx scripts/reconcile.ts [--campaign 42 | --audience] [--repair] [--include-sending]
 *
 * Exit code 0: no drift (or all repaired); 3: drift found and not repaired; 2: bad configuration.
 */
import { pathToFileURL } from 'node:url';
import { ConfigError, loadStorageConfig } from '../src/config.js';
import { createAudienceStore } from '../src/db/audience.store.js';
import { createCounterStore } from '../src/db/counter.store.js';
import { createModels } from '../src/db/models.js';
import { connectMongo } from '../src/db/mongo.js';
import { connectRedis } from '../src/db/redis.js';
import { createLogger } from '../src/logger.js';
import { type AudienceReport, createAudienceCountsService } from '../src/services/audience-counts.service.js';
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

export function formatAudienceReport(report: AudienceReport, repair: boolean): string {
  const lines = [`audience: ${report.subscribers} subscribers, ${report.contacts} contacts recounted`];
  if (report.drifts.length === 0 && report.persons === 0) {
    lines.push('audience: no drift: the counts match the subscribers and contacts');
  }
  for (const d of report.drifts) {
    lines.push(`audience: ${d.figure} counted ${d.counted}, recounted ${d.recounted}`);
  }
  if (report.persons > 0) lines.push(`audience: ${report.persons} persons mirrored unlike MongoDB`);
  if (report.drifts.length > 0 || report.persons > 0) {
    lines.push(repair ? 'audience: repaired' : 'audience: not repaired: run again with --repair');
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
    let drifted = false;
    if (!flag('audience')) {
      const report = await figures.reconcile({
        ...(campaignId !== undefined ? { campaignId } : {}),
        repair,
        includeSending: flag('include-sending'),
      });
      process.stdout.write(`${formatReport(report, repair)}\n`);
      drifted = report.drifts.length > 0;
    }
    await counters.close();
    if (campaignId === undefined) {
      const store = createAudienceStore(redis, { database: conn.name });
      const audience = createAudienceCountsService({ models, logger, store });
      const report = await audience.reconcile({ repair });
      process.stdout.write(`${formatAudienceReport(report, repair)}\n`);
      drifted ||= report.drifts.length > 0 || report.persons > 0;
    }
    return drifted && !repair ? 3 : 0;
  } finally {
    await conn.close();
    redis.disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
