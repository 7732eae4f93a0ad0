import type { RecordRow } from '@/server/db';
import type { TRecord } from './records.schema';

/** `{ __id, __label, __proptypes, __createdAt, __updatedAt, ...properties }`: the one shape every surface returns. */
export function toRecord(row: RecordRow): TRecord {
  return {
    __id: row.id,
    __label: row.label,
    __proptypes: row.types as TRecord['__proptypes'],
    __createdAt: row.createdAt,
    __updatedAt: row.updatedAt,
    ...row.data,
  };
}
