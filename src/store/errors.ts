// How the store recognises what its drivers throw, by error class and code (never by message text): a violated
// unique index, and a database that did not answer. Three sources raise them: Prisma's model API, Prisma's raw
// queries (driver adapter errors wrapped in P2010) and the direct better-sqlite3 connection (./sql-runner.ts).
import Database from 'better-sqlite3';
import { Prisma } from './database.js';

interface DriverAdapterErrorMeta {
  driverAdapterError?: { cause?: { kind?: string } };
}

function adapterErrorKind(err: Prisma.PrismaClientKnownRequestError): string | undefined {
  return (err.meta as DriverAdapterErrorMeta | undefined)?.driverAdapterError?.cause?.kind;
}

/** better-sqlite3's codes for a violated UNIQUE index or primary key. */
const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/**
 * A unique-constraint violation, whatever ran the statement: a Prisma model query (P2002), a Prisma raw one (P2010
 * carrying the driver adapter's `UniqueConstraintViolation`), or the direct SQLite connection (SqliteError).
 */
export function isUniqueViolation(err: unknown): boolean {
  if (err instanceof Database.SqliteError) return SQLITE_UNIQUE_CODES.has(err.code);
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (err.code === 'P2002') return true;
  return err.code === 'P2010' && adapterErrorKind(err) === 'UniqueConstraintViolation';
}

/**
 * Prisma's codes for a database that is not there: P1001 can't reach, P1002 timed out, P1008 operation timed out,
 * P1017 server closed the connection, P2024 timed out waiting for a pool connection.
 */
const PRISMA_UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** The driver adapters' error kinds (@prisma/driver-adapter-utils) for the same; SQLITE_BUSY maps to SocketTimeout. */
const ADAPTER_UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'ConnectionClosed',
  'TlsConnectionError',
  'TooManyConnections',
  'SocketTimeout',
]);

/** better-sqlite3: another process held the file past busy_timeout, or the file cannot be opened or read. */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR)/;

/** Node's socket errors, when a driver lets one through unwrapped. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

/** The database did not answer: the request may be retried later (503), nothing is wrong with it. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientInitializationError) return true;
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    const kind = adapterErrorKind(err);
    return (
      PRISMA_UNAVAILABLE_CODES.has(err.code) || (kind !== undefined && ADAPTER_UNAVAILABLE_KINDS.has(kind))
    );
  }
  if (err instanceof Database.SqliteError) return SQLITE_UNAVAILABLE.test(err.code);
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && SOCKET_CODES.has(code);
}
