/**
 * The one error the SDK throws. A server answer carries the server's code, its HTTP status and, for bad
 * input, the JSON path of the offending value with what was expected and what arrived. Network failures
 * and timeouts are UNAVAILABLE with status 0. Each code has its own subclass, for `instanceof` checks.
 */
export const ERROR_CODES = [
  'INVALID',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'LIMIT_EXCEEDED',
  'UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorInit = {
  status: number;
  path?: (string | number)[];
  expected?: string;
  got?: unknown;
  /** Everything the server sent under `details` (e.g. `reason: "serialization"` on a conflict). */
  details?: Record<string, unknown>;
  /** The operation that failed, e.g. `POST /records`. */
  operation?: string;
  cause?: unknown;
};

export class EngramError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly path?: (string | number)[];
  readonly expected?: string;
  readonly got?: unknown;
  readonly details: Record<string, unknown>;
  readonly operation?: string;

  constructor(code: ErrorCode, message: string, init: ErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = init.status;
    this.path = init.path;
    this.expected = init.expected;
    this.got = init.got;
    this.details = init.details ?? {};
    this.operation = init.operation;
  }
}

export class InvalidError extends EngramError {}
export class UnauthorizedError extends EngramError {}
export class ForbiddenError extends EngramError {}
export class NotFoundError extends EngramError {}
export class ConflictError extends EngramError {
  /** A concurrent transaction changed the same records: running the transaction again may succeed. */
  get retryable(): boolean {
    return this.details.reason === 'serialization';
  }
}
export class LimitExceededError extends EngramError {}
export class UnavailableError extends EngramError {}

const CLASSES: Record<ErrorCode, new (code: ErrorCode, message: string, init: ErrorInit) => EngramError> = {
  INVALID: InvalidError,
  UNAUTHORIZED: UnauthorizedError,
  FORBIDDEN: ForbiddenError,
  NOT_FOUND: NotFoundError,
  CONFLICT: ConflictError,
  LIMIT_EXCEEDED: LimitExceededError,
  UNAVAILABLE: UnavailableError,
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'INVALID',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'INVALID',
  409: 'CONFLICT',
  413: 'LIMIT_EXCEEDED',
  429: 'LIMIT_EXCEEDED',
  503: 'UNAVAILABLE',
};

export function makeError(code: ErrorCode, message: string, init: ErrorInit): EngramError {
  return new CLASSES[code](code, message, init);
}

/** An error answer of the server (`{ error: { code, message, details } }`) as an EngramError. */
export function errorFromResponse(status: number, body: unknown, operation: string): EngramError {
  const err = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const code: ErrorCode =
    typeof err?.code === 'string' && (ERROR_CODES as readonly string[]).includes(err.code)
      ? (err.code as ErrorCode)
      : (STATUS_CODES[status] ?? 'UNAVAILABLE');
  const details =
    err?.details && typeof err.details === 'object' && !Array.isArray(err.details)
      ? (err.details as Record<string, unknown>)
      : {};
  const message = typeof err?.message === 'string' ? err.message : `${operation} answered HTTP ${status}`;
  return makeError(code, message, {
    status,
    path: Array.isArray(details.path) ? (details.path as (string | number)[]) : undefined,
    expected: typeof details.expected === 'string' ? details.expected : undefined,
    got: details.got,
    details,
    operation,
  });
}
