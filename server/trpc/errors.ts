import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import { DomainError, type ErrorCode, type ErrorDetails } from '@/server/errors';
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

export function fromZod(e: ZodError, pathPrefix: (string | number)[] = []): DomainError {
  const first = e.issues[0];
  const path = [...pathPrefix, ...(first?.path ?? []).map((p) => (typeof p === 'symbol' ? String(p) : p))];
  const where = path.length > 0 ? path.join('.') : 'input';
  const details: ErrorDetails = { path, expected: first?.message };
  if (first && 'expected' in first && typeof first.expected === 'string') details.expected = first.expected;
  else if (first && 'format' in first && typeof first.format === 'string') details.expected = first.format;
  if (e.issues.length > 1) {
    details.issues = e.issues.map((i) => ({ path: [...pathPrefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: i.message }));
  }
  return new DomainError('INVALID', `Invalid input at ${where}: ${first?.message ?? 'invalid'}`, details);
}

/** The SQLSTATE of a database error as Prisma's driver adapters report it. */
function sqlState(e: unknown): string | undefined {
  const err = e as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } } | null;
  return err?.meta?.driverAdapterError?.cause?.originalCode;
}

/** Any thrown value → the domain error it stands for (unexpected errors become null). */
export function toDomainError(e: unknown): DomainError | null {
  if (e instanceof DomainError) return e;
  if (e instanceof TRPCError && e.cause && !(e.cause instanceof DomainError) && !(e.cause instanceof ZodError)) {
    const inner = toDomainError(e.cause);
    if (inner) return inner;
  }
  if (sqlState(e) === '40001' || sqlState(e) === '40P01') {
    return new DomainError('CONFLICT', 'A concurrent transaction changed the same records; retry the transaction', { reason: 'serialization' });
  }
  if (sqlState(e) === '57014') {
    return new DomainError('LIMIT_EXCEEDED', 'The query ran longer than the statement timeout (ENGRAM_STATEMENT_TIMEOUT_MS); narrow it', { limit: 'statement timeout' });
  }
  if (e instanceof ZodError) return fromZod(e);
  if (e instanceof TRPCError) {
    if (e.cause instanceof DomainError) return e.cause;
    if (e.cause instanceof ZodError) return fromZod(e.cause);
    if (e.code === 'PARSE_ERROR') return new DomainError('INVALID', 'Malformed JSON in the request body');
    if (e.code === 'NOT_FOUND') return new DomainError('NOT_FOUND', e.message);
    if (e.code === 'BAD_REQUEST') return new DomainError('INVALID', e.message);
    if (e.code === 'METHOD_NOT_SUPPORTED') return new DomainError('INVALID', e.message);
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
  if (d) return { status: httpStatusOf(d), body: { code: d.code, message: d.message, ...(d.details ? { details: d.details } : {}) } };
  const cause = e instanceof TRPCError && e.cause ? e.cause : e;
  log.error('internal error', { error: cause instanceof Error ? (cause.stack ?? cause.message) : String(cause) });
  return { status: 500, body: { code: 'INTERNAL', message: 'Internal error' } };
}
