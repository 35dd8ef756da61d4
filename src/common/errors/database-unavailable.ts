/** Seconds a client should wait before retrying a 503: about one pool reconnect after an outage. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * Whether an error means the database could not do the work right now, rather than that the work
 * was wrong: the server is down, restarting or was told to drop our session, the connection broke,
 * or a statement or lock wait ran past its time-out. The client may retry such a request later;
 * answering 500 would call a passing outage a bug, and nothing of the request was committed (a
 * transaction that loses its connection is rolled back by the server).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // TypeORM wraps the driver's error (QueryFailedError.driverError); pg sometimes sets `cause`.
  const seen = new Set<unknown>();
  for (let current = error; current && typeof current === 'object' && !seen.has(current);) {
    seen.add(current);
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true;
    if (typeof code === 'string' && NETWORK_ERRNOS.has(code)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message)))
      return true;
    current =
      (current as { driverError?: unknown }).driverError ??
      (current as { cause?: unknown }).cause ??
      undefined;
  }
  return false;
}

const UNAVAILABLE_SQLSTATES = new Set([
  '55P03', // lock_not_available: lock_timeout expired
  '57014', // query_canceled: statement_timeout expired
  '57P01', // admin_shutdown: pg_terminate_backend, or a fast/immediate shutdown
  '57P02', // crash_shutdown: another backend crashed, every session is dropped
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '53300', // too_many_connections
  '25P03', // idle_in_transaction_session_timeout
]);

const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTCONN',
  'EHOSTUNREACH',
]);

/** What pg and pg-pool say, without an error code, when a connection breaks or never comes. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^Query read timeout/,
  // TypeORM releases a query runner whose connection emitted an error (a terminated backend); the
  // transaction's next statement then finds it released. Nothing else in the portal uses a runner
  // after releasing it (TransactionRunner owns them), so this too is a broken connection.
  /^Query runner already released/,
  // The embedded engine's single session stayed taken past the acquire time-out.
  /^Embedded database busy/,
];
