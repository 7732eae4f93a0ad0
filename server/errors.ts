/**
 * The one error type for expected conditions. Every layer throws it; server/trpc/errors.ts maps it to
 * tRPC codes and HTTP statuses in a single table.
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

export type ErrorDetails = {
  /** JSON path of the offending input, e.g. ["data", "items", 3, "name"]. */
  path?: (string | number)[];
  expected?: string;
  got?: unknown;
  [key: string]: unknown;
};

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  /** LIMIT_EXCEEDED about the size of the request itself answers 413 instead of 400. */
  readonly tooLarge: boolean;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails, opts?: { tooLarge?: boolean }) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
    this.tooLarge = opts?.tooLarge ?? false;
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
