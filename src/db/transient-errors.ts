import { mongo } from 'mongoose';

/**
 * Server codes that mean "this node cannot answer right now, another attempt may": a primary
 * stepping down or shutting down, an election, a network hiccup between nodes. The same family the
 * MongoDB driver retries once by itself (it never retries them more than once, nor with a pause).
 */
const TRANSIENT_CODES = new Map<number, string>([
  [6, 'HostUnreachable'],
  [7, 'HostNotFound'],
  [89, 'NetworkTimeout'],
  [91, 'ShutdownInProgress'],
  [189, 'PrimarySteppedDown'],
  [262, 'ExceededTimeLimit'],
  [9001, 'SocketException'],
  [10107, 'NotWritablePrimary'],
  [11600, 'InterruptedAtShutdown'],
  [11602, 'InterruptedDueToReplStateChange'],
  [13435, 'NotPrimaryNoSecondaryOk'],
  [13436, 'NotPrimaryOrSecondary'],
]);

const TRANSIENT_LABELS = ['RetryableWriteError', 'RetryableError'];

/**
 * PostgreSQL SQLSTATEs behind FerretDB that go away by themselves: serialization failure, deadlock,
 * too many connections, lock not available, the server shutting down or restarting (57P01-03),
 * an idle session timed out; and class 08, connection exceptions.
 */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '53300', '55P03', '57P01', '57P02', '57P03', '57P05']);

/**
 * FerretDB hands a backend failure to the client as InternalError (code 1) with the backend's text:
 * a PostgreSQL error carries `(SQLSTATE xxxxx)`; a connection to PostgreSQL that died (terminated,
 * restarted, reset) shows as the Go network error of pgx; SQLite answers SQLITE_BUSY under writers.
 */
const SQLSTATE_RE = /\(SQLSTATE ([0-9A-Z]{5})\)/;
const BACKEND_CONNECTION_RE =
  /broken pipe|connection reset by peer|unexpected EOF|conn closed|connection refused|failed to connect to|closed pool|server closed the connection/i;
const SQLITE_BUSY_RE = /SQLITE_BUSY|database is locked/;

/**
 * Why an error is worth another attempt, as a short fixed label (for logs: never the server's own
 * message, which can name hosts and paths), or undefined when it is not transient.
 */
export function transientReason(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err instanceof mongo.MongoNetworkError) return 'network';
  if (err instanceof mongo.MongoServerSelectionError) return 'no server available';
  if (!(err instanceof mongo.MongoError)) return undefined;
  const label = TRANSIENT_LABELS.find((l) => err.hasErrorLabel(l));
  if (label) return `label ${label}`;
  const code = typeof err.code === 'number' ? err.code : undefined;
  const named = code === undefined ? undefined : TRANSIENT_CODES.get(code);
  if (named) return named;
  if (code === 1) return backendReason(err.message);
  return undefined;
}

function backendReason(message: string): string | undefined {
  const sqlstate = SQLSTATE_RE.exec(message)?.[1];
  // A SQLSTATE decides on its own: "failed to connect … (SQLSTATE 28P01)" is a wrong password.
  if (sqlstate) {
    return TRANSIENT_SQLSTATES.has(sqlstate) || sqlstate.startsWith('08')
      ? `SQLSTATE ${sqlstate}`
      : undefined;
  }
  if (BACKEND_CONNECTION_RE.test(message)) return 'backend connection lost';
  if (SQLITE_BUSY_RE.test(message)) return 'SQLITE_BUSY';
  return undefined;
}

/** What the logs may say about a database error: its class, code and code name, never its text. */
export function errorIdentity(err: unknown): { errName: string; code?: number | string; codeName?: string } {
  if (!(err instanceof Error)) return { errName: typeof err };
  const { code, codeName } = err as { code?: unknown; codeName?: unknown };
  return {
    errName: err.name,
    ...(typeof code === 'number' || typeof code === 'string' ? { code } : {}),
    ...(typeof codeName === 'string' ? { codeName } : {}),
  };
}
