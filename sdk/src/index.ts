/**
 * @engram/sdk: the TypeScript client of Engram. Start with `new Engram({ url, apiKey })`, or
 * `await Engram.embedded({ dataDir })` to run the engine in this process. docs/sdk.md has the guide.
 */
export {
  Engram,
  Transaction,
  type EngramOptions,
  type EmbeddedOptions,
  type Page,
  type UpsertInput,
  type TxRunOptions,
} from './client';
export {
  EngramError,
  InvalidError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  LimitExceededError,
  UnavailableError,
  ERROR_CODES,
  type ErrorCode,
} from './errors';
export type { CallOptions, FetchLike } from './transport';
export type * from './types';
