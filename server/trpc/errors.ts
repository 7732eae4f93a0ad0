import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import { DomainError, isDomainError, type ErrorCode, type ErrorDetails } from '@/server/errors';
import { log } from '@/server/log';

/** The one table from domain error codes to tRPC codes and HTTP statuses. */
const TABLE: Record<ErrorCode, { trpc: TRPC_ERROR_CODE_KEY; http: number }> = {
  INVALID: { trpc: 'BAD_REQUEST', http: 400 },
  UNAUTHORIZED: { trpc: 'UNAUTHORIZED', http: 401 },
  FORBIDDEN: { trpc: 'FORBIDDEN', http: 403 },
  NOT_FOUND: { trpc: 'NOT_FOUND', http: 404 },
  CONFLICT: { trpc: 'CONFLICT', http: 409 },
  LIMIT_EXCEEDED: { trpc: 'BAD_REQUEST', http: 400 },
  UNAVAILABLE: { trpc: 'SERVICE_UNAVAILABLE', http: 503 },
};

export type ErrorBody = { code: ErrorCode | 'INTERNAL'; message: string; details?: ErrorDetails };

const pathOf = (p: PropertyKey[]) => p.map((k) => (typeof k === 'symbol' ? String(k) : k));

/** zod puts an unknown key's issue at the object holding it; the offending path is the key itself. */
const issuePath = (i: ZodError['issues'][number]) =>
  pathOf(i.code === 'unrecognized_keys' && i.keys[0] !== undefined ? [...i.path, i.keys[0]] : i.path);

export function fromZod(e: ZodError, pathPrefix: (string | number)[] = []): DomainError {
  const first = e.issues[0];
  const path = [...pathPrefix, ...(first ? issuePath(first) : [])];
  const where = path.length > 0 ? path.join('.') : 'input';
  const details: ErrorDetails = { path, expected: first?.message };
  if (first && 'expected' in first && typeof first.expected === 'string') details.expected = first.expected;
  else if (first && 'format' in first && typeof first.format === 'string') details.expected = first.format;
  if (e.issues.length > 1)
    details.issues = e.issues.slice(0, 20).map((i) => ({ path: [...pathPrefix, ...issuePath(i)], message: i.message }));
  return new DomainError('INVALID', `Invalid input at ${where}: ${first?.message ?? 'invalid'}`, details);
}

type Inner = {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } };
};

/** The SQLSTATE and adapter kind of a database error as Prisma's driver adapters report them. */
function adapterCause(e: unknown): { originalCode?: string; kind?: string } | undefined {
  return (e as Inner | null)?.meta?.driverAdapterError?.cause;
}

// The database went away under the request (terminated backend, restart, network, exhausted pool or
// shared memory):
// the request did not happen and may be retried, so it answers 503, not 500.
// 53xxx: insufficient resources (disk, memory, connections, lock table).
const GONE_SQLSTATE = /^(08|57P0[123]|53)/;
const GONE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const GONE_PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const GONE_MESSAGE =
  /Connection terminated|terminating connection|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|ECONNRESET|ECONNREFUSED|server closed the connection|Cannot use a pool after calling end/i;

function isConnectionLoss(e: unknown): boolean {
  for (let c: unknown = e, i = 0; c && typeof c === 'object' && i < 6; c = (c as Inner).cause, i++) {
    const x = c as Inner;
    const cause = adapterCause(c);
    if (cause?.originalCode && GONE_SQLSTATE.test(cause.originalCode)) return true;
    if (cause?.kind && GONE_KINDS.has(cause.kind)) return true;
    if (
      typeof x.code === 'string' &&
      (GONE_PRISMA.has(x.code) || GONE_SQLSTATE.test(x.code) || x.code === 'ECONNRESET' || x.code === 'ECONNREFUSED')
    )
      return true;
    if (typeof x.message === 'string' && GONE_MESSAGE.test(x.message)) return true;
  }
  return false;
}

/** A DomainError anywhere in a chain of causes (tRPC wraps what procedures and body readers throw). */
function domainCause(e: unknown): DomainError | null {
  for (let c: unknown = e, i = 0; c && typeof c === 'object' && i < 6; c = (c as Inner).cause, i++) {
    if (isDomainError(c)) return c;
  }
  return null;
}

/** Any thrown value → the domain error it stands for (unexpected errors become null). */
export function toDomainError(e: unknown): DomainError | null {
  const d = domainCause(e);
  if (d) return d;
  const inner = e instanceof TRPCError && e.cause ? e.cause : e;
  const prismaCode = (inner as Inner | null)?.code;
  const code =
    adapterCause(inner)?.originalCode ??
    (prismaCode === 'P2003' ? '23503' : prismaCode === 'P2002' ? '23505' : undefined);
  if (code === '40001' || code === '40P01') {
    return new DomainError('CONFLICT', 'A concurrent transaction changed the same records; retry the transaction', {
      reason: 'serialization',
    });
  }
  if (code === '23503') {
    // A row this write refers to was deleted by a transaction that committed in the meantime.
    return new DomainError('CONFLICT', 'A record this write refers to was deleted concurrently; retry the request', {
      reason: 'concurrent-delete',
    });
  }
  if (code === '23505') {
    return new DomainError('CONFLICT', 'A concurrent write created the same key; retry the request', {
      reason: 'concurrent-write',
    });
  }
  if (code?.startsWith('22')) {
    // Data exceptions: a value the database cannot store or compare (the input checks catch most before SQL).
    return new DomainError('INVALID', 'A value in the request cannot be stored or compared by the database', {
      reason: 'data',
      sqlState: code,
    });
  }
  if (code === '57014') {
    return new DomainError(
      'LIMIT_EXCEEDED',
      'The query ran longer than the statement timeout (ENGRAM_STATEMENT_TIMEOUT_MS); narrow it',
      { limit: 'statement timeout' },
    );
  }
  if (isConnectionLoss(inner)) {
    return new DomainError(
      'UNAVAILABLE',
      'The database could not serve the request (its connection was lost or it ran out of resources); the request did not complete, retry it',
      { reason: 'connection' },
    );
  }
  if (prismaCode === 'P2025') {
    // A row the call read a moment ago is gone (a concurrent delete of the same thing won the race).
    return new DomainError('NOT_FOUND', 'Not found: it was deleted by a concurrent request', {
      reason: 'concurrent-delete',
    });
  }
  if ((inner as Inner | null)?.code === 'P2028') {
    return new DomainError('CONFLICT', 'The transaction is no longer open (it expired or was rolled back)', {
      reason: 'aborted',
    });
  }
  if (inner instanceof ZodError) return fromZod(inner);
  if (inner instanceof URIError)
    return new DomainError('INVALID', 'Malformed percent-encoding in the request', {
      expected: 'valid percent-encoded UTF-8',
    });
  if (e instanceof TRPCError) {
    switch (e.code) {
      case 'PARSE_ERROR':
        return new DomainError('INVALID', 'Malformed JSON in the request', { expected: 'a JSON document' });
      case 'NOT_FOUND':
        return new DomainError('NOT_FOUND', e.message);
      case 'BAD_REQUEST':
      case 'METHOD_NOT_SUPPORTED':
        return new DomainError('INVALID', e.message);
      case 'UNSUPPORTED_MEDIA_TYPE':
        return new DomainError('INVALID', 'Unsupported content type: send application/json', {
          expected: 'content-type: application/json',
        });
      case 'PAYLOAD_TOO_LARGE':
        return new DomainError('LIMIT_EXCEEDED', e.message, undefined, { tooLarge: true });
    }
  }
  return null;
}

export function httpStatusOf(e: DomainError): number {
  if (e.code === 'LIMIT_EXCEEDED' && e.tooLarge) return 413;
  return TABLE[e.code].http;
}

export function toTRPCError(e: unknown): TRPCError {
  const d = toDomainError(e);
  if (!d && e instanceof TRPCError) return e;
  if (!d) return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal error', cause: e });
  const code = d.code === 'LIMIT_EXCEEDED' && d.tooLarge ? 'PAYLOAD_TOO_LARGE' : TABLE[d.code].trpc;
  return new TRPCError({ code, message: d.message, cause: d });
}

/** The `{ code, message, details }` body both surfaces send; internal errors are logged, not leaked. */
export function errorBody(e: unknown): { status: number; body: ErrorBody } {
  const d = toDomainError(e);
  if (d)
    return {
      status: httpStatusOf(d),
      body: { code: d.code, message: d.message, ...(d.details ? { details: d.details } : {}) },
    };
  const cause = e instanceof TRPCError && e.cause ? e.cause : e;
  log.error('internal error', { error: cause instanceof Error ? (cause.stack ?? cause.message) : String(cause) });
  return { status: 500, body: { code: 'INTERNAL', message: 'Internal error' } };
}
