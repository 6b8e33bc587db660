/**
 * Which database operations may run again after a transient error. The first attempt may have
 * reached the server and only its answer been lost, so a repeat must leave the data as one run
 * would: reads; updates made only of operators whose second application changes nothing; deletes.
 * `$inc`, `$push`, `$mul`, `$currentDate`, update pipelines and inserts are never repeated (an
 * insert's duplicate-key error is how one-winner decisions are told apart: a repeat would lie).
 */

const READS = new Set(['find', 'findOne', 'countDocuments', 'estimatedDocumentCount', 'distinct']);
const UPDATES_MANY = new Set(['updateMany']);
const UPDATES_ONE = new Set(['updateOne', 'findOneAndUpdate']);
const REPLACES_ONE = new Set(['replaceOne', 'findOneAndReplace']);
const DELETES_ONE = new Set(['deleteOne', 'findOneAndDelete']);
const IDEMPOTENT_OPERATORS = new Set([
  '$set',
  '$unset',
  '$setOnInsert',
  '$addToSet',
  '$pull',
  '$pullAll',
  '$max',
  '$min',
]);

type Doc = Record<string, unknown>;

export interface OperationShape {
  op: string;
  filter?: Doc;
  update?: unknown;
}

export function isSafeToRepeat({ op, filter = {}, update }: OperationShape): boolean {
  if (READS.has(op) || op === 'deleteMany') return true;
  if (UPDATES_MANY.has(op)) return idempotentUpdate(update) !== undefined;
  if (REPLACES_ONE.has(op)) return isPlainDoc(update) && pinsOneDocument(filter, Object.keys(update));
  if (DELETES_ONE.has(op)) return pinsOneDocument(filter, undefined);
  if (UPDATES_ONE.has(op)) {
    const paths = idempotentUpdate(update);
    return paths !== undefined && pinsOneDocument(filter, paths);
  }
  return false;
}

/** An aggregation is a read unless it writes its result somewhere. */
export function isSafeToRepeatPipeline(pipeline: readonly unknown[]): boolean {
  return pipeline.every((stage) => !isPlainDoc(stage) || !('$out' in stage || '$merge' in stage));
}

/** A bulk write repeats as a whole, so every one of its operations must be safe to repeat. */
export function isSafeToRepeatBulk(operations: readonly unknown[]): boolean {
  return operations.every((entry) => {
    if (!isPlainDoc(entry)) return false;
    const [op, spec] = Object.entries(entry)[0] ?? [];
    if (op === undefined || !isPlainDoc(spec)) return false;
    const filter = isPlainDoc(spec.filter) ? spec.filter : {};
    return isSafeToRepeat({ op, filter, update: op === 'replaceOne' ? spec.replacement : spec.update });
  });
}

/**
 * The field paths an update writes, when it is made only of idempotent operators (fields without
 * an operator are a `$set`, as in mongoose); undefined when any part of it is not idempotent.
 */
function idempotentUpdate(update: unknown): string[] | undefined {
  if (!isPlainDoc(update)) return undefined;
  const paths: string[] = [];
  for (const [key, value] of Object.entries(update)) {
    if (!key.startsWith('$')) paths.push(key);
    else if (IDEMPOTENT_OPERATORS.has(key) && isPlainDoc(value)) paths.push(...Object.keys(value));
    else return undefined;
  }
  return paths;
}

/**
 * A repeated single-document write must land on the same document: either the filter names it by
 * `_id`, or the write leaves every filtered field alone (a claim such as `{ status: 'due' }` →
 * `$set: { status: 'taken' }` would take a second document). `written` undefined: a delete, which
 * always takes the document out of its filter.
 */
function pinsOneDocument(filter: Doc, written: readonly string[] | undefined): boolean {
  if (namesId(filter._id)) return true;
  if (written === undefined) return false;
  const filtered = Object.keys(filter);
  if (filtered.some((key) => key.startsWith('$'))) return false;
  return !written.some((w) => filtered.some((f) => overlaps(w, f)));
}

function namesId(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (!isPlainDoc(value)) return true;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$eq';
}

function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/** An object literal (not an ObjectId, Date, array or other class instance). */
function isPlainDoc(value: unknown): value is Doc {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
