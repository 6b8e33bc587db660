import type { Aggregate, Connection, Model, Query } from 'mongoose';
import type { DbRetry } from './db-retry.js';
import { isSafeToRepeat, isSafeToRepeatBulk, isSafeToRepeatPipeline } from './safe-to-repeat.js';

type AnyModel = Model<unknown>;
type AnyQuery = Query<unknown, unknown>;
/** What mongoose keeps per model and we reach into: its own Query subclass, and a query's transforms. */
type ModelInternals = AnyModel & { Query: { prototype: AnyQuery } };
type QueryInternals = AnyQuery & { op?: string; _transforms: unknown[] };

/**
 * Makes every model compiled on `conn` retry, through `retry`, the operations that are safe to
 * repeat: queries (`exec`, which `await query` also goes through), aggregations and bulk writes.
 *
 * Why here, once per connection, and not a wrapper at each call site or a mongoose plugin:
 * - Call sites cannot forget it, and the rule "safe to repeat" is decided from the operation
 *   itself ($set or $inc, by _id or not), not from each author's judgement.
 * - mongoose gives each model its own Query subclass (`model.Query`), so replacing `exec` on its
 *   prototype changes this connection's models only. A plugin would have to write into the schemas,
 *   which are module-level objects shared by every connection (tests open many): one connection's
 *   retry (and its logger) would leak into the others.
 * - A mongoose Query runs once ("Query was already executed"): a copy taken before the first
 *   attempt is copied again for each retry.
 * Not covered: cursors (`.cursor()`, `for await`), which cannot restart halfway; inserts, creates
 * and saves, which are not safe to repeat; and calls made on `model.collection` directly.
 */
export function installDbRetry(conn: Connection, retry: DbRetry): void {
  const done = new WeakSet<object>();
  const install = (model: AnyModel) => {
    if (done.has(model)) return;
    done.add(model);
    retryQueries(model as ModelInternals, retry);
    retryAggregations(model, retry);
    retryBulkWrites(model, retry);
  };
  for (const model of Object.values(conn.models)) install(model as AnyModel);
  const compile = conn.model.bind(conn) as (...args: unknown[]) => AnyModel;
  conn.model = ((...args: unknown[]) => {
    const model = compile(...args);
    install(model);
    return model;
  }) as typeof conn.model;
}

function retryQueries(model: ModelInternals, retry: DbRetry): void {
  const proto = model.Query.prototype;
  const exec = proto.exec as (this: AnyQuery) => Promise<unknown>;
  proto.exec = function retryingExec(this: QueryInternals, op?: unknown) {
    if (typeof op === 'string') this.op = op;
    const shape = { op: this.op ?? '', filter: this.getFilter(), update: this.getUpdate() };
    if (this.getOptions().session || !isSafeToRepeat(shape)) return exec.call(this);
    const template = copyQuery(this);
    let first = true;
    return retry.run(`${model.modelName}.${shape.op}`, () => {
      if (!first) return exec.call(copyQuery(template));
      first = false;
      return exec.call(this);
    });
  } as AnyQuery['exec'];
}

/** `clone()` leaves out transforms (`orFail`, `transform`), which belong to the query too. */
function copyQuery(query: QueryInternals): QueryInternals {
  const copy = query.clone() as QueryInternals;
  copy._transforms = [...query._transforms];
  return copy;
}

function retryAggregations(model: AnyModel, retry: DbRetry): void {
  const aggregate = model.aggregate.bind(model) as (...args: unknown[]) => Aggregate<unknown>;
  model.aggregate = ((...args: unknown[]) => {
    const agg = aggregate(...args);
    const exec = agg.exec.bind(agg);
    // Decided when it runs: stages may be added to the pipeline after aggregate().
    agg.exec = () =>
      isSafeToRepeatPipeline(agg.pipeline())
        ? retry.run(`${model.modelName}.aggregate`, () => exec())
        : exec();
    return agg;
  }) as typeof model.aggregate;
}

function retryBulkWrites(model: AnyModel, retry: DbRetry): void {
  const bulkWrite = model.bulkWrite.bind(model) as (ops: unknown[], options?: unknown) => Promise<unknown>;
  model.bulkWrite = ((ops: unknown[], options?: { session?: unknown }) =>
    !options?.session && Array.isArray(ops) && isSafeToRepeatBulk(ops)
      ? retry.run(`${model.modelName}.bulkWrite`, () => bulkWrite(ops, options))
      : bulkWrite(ops, options)) as typeof model.bulkWrite;
}
