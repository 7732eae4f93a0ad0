import { sql, type Sql } from './compose';

/**
 * The savepoint each request inside a cross-call transaction runs in: a failed statement rolls back to
 * it and leaves the transaction usable. Requests on one transaction run one at a time, so one name is
 * enough; it is a constant of this file, never input.
 */
export const savepoint: Sql = sql`SAVEPOINT engram_request`;
export const release: Sql = sql`RELEASE SAVEPOINT engram_request`;
export const rollbackTo: Sql = sql`ROLLBACK TO SAVEPOINT engram_request`;
