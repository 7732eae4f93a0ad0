import { sql, type Sql } from './compose';

/** The health check's round trip. */
export const ping: Sql = sql`SELECT 1 AS ok`;
