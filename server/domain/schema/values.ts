import { sql as S } from '@/server/db';
import type { ProjectDeps } from '../deps';
import { SCHEMA_LIMITS, type TPropertyValues, type TPropertyValuesInput } from './schema.schema';

const { schemaSql } = S;

/**
 * Distinct values of one property (in one label or all), most frequent first, then by value; each
 * element of an array property counts. `query` keeps the string values containing it, case-insensitively.
 */
export async function listPropertyValues(deps: ProjectDeps, q: TPropertyValuesInput): Promise<TPropertyValues> {
  const [row] = await deps.db.$queryRaw<S.schemaSql.ValuesRow[]>(
    schemaSql.selectPropertyValues({
      projectId: deps.projectId,
      label: q.label,
      property: q.property,
      query: q.query,
      skip: q.skip ?? 0,
      limit: q.limit ?? SCHEMA_LIMITS.valuesDefaultLimit,
    }),
  );
  return { items: (row?.items ?? []) as TPropertyValues['items'], total: row?.total ?? 0 };
}
