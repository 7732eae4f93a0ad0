import { sql, type Sql } from './compose';

/** Creates the project unless one of that name exists (several processes may race at start). */
export const ensureProject = (id: string, name: string): Sql => sql`
  INSERT INTO project (id, name) VALUES (${id}::uuid, ${name}) ON CONFLICT (name) DO NOTHING`;
