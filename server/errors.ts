/**
 * How many times this module has been evaluated in this process. Every server module imports it, so a
 * count above 1 means a second copy of the server code is loaded (a route bundle importing the server
 * instead of delegating through server/http/entry.ts); /api/health reports it and e2e asserts 1.
 */
const COPIES = Symbol.for('engram.serverModuleCopies');
const g = globalThis as unknown as Record<symbol, number | undefined>;
g[COPIES] = (g[COPIES] ?? 0) + 1;
export const serverModuleCopies = (): number => g[COPIES] ?? 0;

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

// A brand shared by every copy of this module, so recognising a DomainError never depends on which copy
// of the class threw it.
const BRAND = Symbol.for('engram.DomainError');

export class DomainError extends Error {
  readonly [BRAND] = true;
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

export const isDomainError = (e: unknown): e is DomainError =>
  e instanceof DomainError || (typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true);
