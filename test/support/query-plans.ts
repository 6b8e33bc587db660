import { execFile } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/*
 * Plans of the statements FerretDB sends to PostgreSQL, read from the local cluster's log.
 *
 * A throw-away role asks auto_explain (preloaded by scripts/lib/postgres.sh) to log the plan of
 * every statement it runs, with the rows each node really produced. A MongoDB client that
 * authenticates with PLAIN as that role makes FerretDB 1.24 open its PostgreSQL connections as it,
 * so the role's entries in the server log are exactly the plans of that client's queries.
 */

const exec = promisify(execFile);

export const PG_DATABASE = 'marketing_bot';

/** The cluster's socket and data directory, or a loud error: this test never skips. */
export function pgDir(): string {
  const dir = process.env.PG_DIR;
  if (!dir) {
    throw new Error(
      'PG_DIR is not set: run with scripts/test, or export the output of `scripts/services up` ' +
        '(MONGODB_URI must be the FerretDB on that PostgreSQL cluster)',
    );
  }
  return dir;
}

/** Runs SQL as the cluster's superuser; returns unaligned, tuples-only output. */
export async function psql(sql: string, timeoutMs = 120_000): Promise<string> {
  const dir = pgDir();
  try {
    const { stdout } = await exec(
      'psql',
      [
        '-X',
        '-q',
        '-A',
        '-t',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        dir,
        '-U',
        'postgres',
        '-d',
        PG_DATABASE,
        '-c',
        sql,
      ],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
    );
    return stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`psql on ${dir} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** Fails unless the cluster answers and is set up the way the log parser expects. */
export async function checkCluster(): Promise<void> {
  const [preload, prefix] = (
    await psql(
      "SELECT current_setting('shared_preload_libraries') || '|' || quote_literal(current_setting('log_line_prefix'))",
    )
  ).split('|');
  if (!preload?.includes('auto_explain')) {
    throw new Error(
      `the cluster in ${pgDir()} does not preload auto_explain (shared_preload_libraries = '${preload}'): ` +
        'it predates scripts/lib/postgres.sh; recreate it (scripts/services down && rm -rf .data/dev)',
    );
  }
  if (prefix !== "'%m [%p] %u '") {
    throw new Error(`log_line_prefix is ${prefix}, the parser expects '%m [%p] %u '`);
  }
  await stat(serverLogPath()).catch(() => {
    throw new Error(`no server log at ${serverLogPath()}`);
  });
}

export function serverLogPath(): string {
  return join(pgDir(), 'postgresql.log');
}

/** A role whose every statement is logged with its plan (EXPLAIN ANALYZE, without timing). */
export async function createExplainRole(role: string): Promise<void> {
  assertIdentifier(role);
  await psql(
    [
      `CREATE ROLE ${role} LOGIN SUPERUSER`,
      `ALTER ROLE ${role} SET auto_explain.log_min_duration = 0`,
      `ALTER ROLE ${role} SET auto_explain.log_format = 'json'`,
      `ALTER ROLE ${role} SET auto_explain.log_analyze = on`,
      `ALTER ROLE ${role} SET auto_explain.log_timing = off`,
      `ALTER ROLE ${role} SET auto_explain.log_nested_statements = on`,
    ].join('; '),
  );
}

/**
 * Ends the roles' sessions (FerretDB keeps a pool of connections per user) and drops the roles.
 * Call it after the database they used is dropped, so that they own nothing.
 */
export async function dropRoles(roles: readonly string[]): Promise<void> {
  if (roles.length === 0) return;
  roles.forEach(assertIdentifier);
  const list = roles.map((r) => `'${r}'`).join(', ');
  await psql(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename IN (${list})`);
  for (const role of roles) await psql(`DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`);
}

/** ANALYZEs every table of a FerretDB database (a PostgreSQL schema). */
export async function analyzeSchema(schema: string): Promise<void> {
  assertIdentifier(schema);
  await psql(`DO $$
    DECLARE t record;
    BEGIN
      FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = '${schema}' LOOP
        EXECUTE format('ANALYZE %I.%I', '${schema}', t.tablename);
      END LOOP;
    END $$`);
}

export interface TableInfo {
  table: string;
  collection: string;
  rows: number;
}

/** The schema's tables with their collection names (FerretDB's metadata) and estimated row counts. */
export async function tablesOf(schema: string): Promise<TableInfo[]> {
  assertIdentifier(schema);
  const out = await psql(
    `SELECT m._jsonb->>'table', m._jsonb->>'_id', c.reltuples::bigint
       FROM "${schema}"._ferretdb_database_metadata m
       JOIN pg_class c ON c.relname = m._jsonb->>'table'
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = '${schema}'`,
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [table = '', collection = '', rows = '0'] = line.split('|');
      return { table, collection, rows: Math.max(0, Number(rows)) };
    });
}

/** Index name → what it is, e.g. "gin(recipient)" or "btree(campaignId, run, recipient)". */
export async function indexLabels(schema: string): Promise<Map<string, string>> {
  assertIdentifier(schema);
  const out = await psql(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = '${schema}'`);
  const labels = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [name = '', def = ''] = line.split('|');
    const method = /USING (\w+)/.exec(def)?.[1] ?? '?';
    const fields = [...def.matchAll(/_jsonb -> '([^']+)'/g)].map((m) => m[1]);
    labels.set(name, `${method}(${fields.join(', ')})`);
  }
  return labels;
}

export interface PlanNode {
  'Node Type': string;
  Operation?: string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

export interface LoggedPlan {
  pid: number;
  queryText: string;
  plan: PlanNode;
}

// `%m [%p] %u ` then the message: "2026-01-01 10:00:00.123 UTC [123] role LOG:  duration: …"
const ENTRY = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \S+ \[(\d+)\] (\S*) ([A-Z0-9]+): {2}/;

/** The auto_explain entries of `role` in a piece of the server log. */
export function parsePlans(text: string, role: string): LoggedPlan[] {
  const entries: { pid: number; user: string; body: string[] }[] = [];
  for (const line of text.split('\n')) {
    const m = ENTRY.exec(line);
    if (m) entries.push({ pid: Number(m[1]), user: m[2] ?? '', body: [line.slice(m[0].length)] });
    else entries.at(-1)?.body.push(line);
  }
  const plans: LoggedPlan[] = [];
  for (const e of entries) {
    if (e.user !== role) continue;
    const [first = '', ...rest] = e.body;
    if (!/^duration: [\d.]+ ms {2}plan:$/.test(first)) continue;
    const json = JSON.parse(rest.join('\n')) as { 'Query Text': string; Plan: PlanNode };
    plans.push({ pid: e.pid, queryText: json['Query Text'], plan: json.Plan });
  }
  return plans;
}

/** The server log from a byte offset on. */
export class ServerLog {
  constructor(readonly path = serverLogPath()) {}

  async size(): Promise<number> {
    return (await stat(this.path)).size;
  }

  async readFrom(offset: number): Promise<string> {
    const file = await open(this.path, 'r');
    try {
      const { size } = await file.stat();
      const buffer = Buffer.alloc(Math.max(0, size - offset));
      await file.read(buffer, 0, buffer.length, offset);
      // a partial last line (a write in progress) is left for the next read
      const text = buffer.toString('utf8');
      return text.slice(0, text.lastIndexOf('\n') + 1);
    } finally {
      await file.close();
    }
  }

  /**
   * The role's plans logged after `offset`, once they stop coming (a backend writes its entry while
   * it finishes the statement, which can be just after the client got its answer).
   */
  async plansSince(offset: number, role: string, { settleMs = 400, timeoutMs = 30_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    let stableSince = Date.now();
    for (;;) {
      const plans = parsePlans(await this.readFrom(offset), role);
      if (plans.length !== last) {
        last = plans.length;
        stableSince = Date.now();
      } else if (plans.length > 0 && Date.now() - stableSince >= settleMs) {
        return plans;
      }
      if (Date.now() > deadline) {
        if (plans.length > 0) return plans;
        throw new Error(
          `no plan logged for role ${role} in ${this.path} within ${timeoutMs} ms: ` +
            'is MONGODB_URI the FerretDB on the PG_DIR cluster, and does its PostgreSQL URL carry the ' +
            'user in its userinfo (scripts/lib/postgres.sh) so that PLAIN clients connect as themselves?',
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface ScanNode {
  node: string;
  relation: string;
  /** the indexes the node reads (a bitmap heap scan's come from its bitmap index scans) */
  indexes: string[];
  /** rows the node read from the table: returned plus removed by its filter or recheck */
  rowsRead: number;
}

function indexesBelow(node: PlanNode): string[] {
  const own = node['Index Name'] ? [node['Index Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(indexesBelow)];
}

/** Every node of a plan that reads a table (ModifyTable nodes are the write, not the read). */
export function scanNodes(plan: PlanNode): ScanNode[] {
  const out: ScanNode[] = [];
  const walk = (node: PlanNode) => {
    const relation = node['Relation Name'];
    if (relation && node['Node Type'] !== 'ModifyTable') {
      const loops = node['Actual Loops'] ?? 1;
      const rows =
        (node['Actual Rows'] ?? 0) +
        (node['Rows Removed by Filter'] ?? 0) +
        (node['Rows Removed by Index Recheck'] ?? 0);
      out.push({ node: node['Node Type'], relation, indexes: indexesBelow(node), rowsRead: rows * loops });
    }
    node.Plans?.forEach(walk);
  };
  walk(plan);
  return out;
}

/** What the statement does to which table: "Update", "Insert", "Select" … */
export function statementKind(plan: PlanNode): string {
  if (plan['Node Type'] === 'ModifyTable') return plan.Operation ?? 'Modify';
  return plan.Plans?.find((p) => p['Node Type'] === 'ModifyTable')?.Operation ?? 'Select';
}

function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
}
