import type { Cond } from '@/server/db';

/**
 * The system timestamps in the query language. `__createdAt` / `__updatedAt` always name them (user
 * properties never start with "__"). `createdAt` / `updatedAt` name the record's own property when it
 * has one, and the timestamp when it has not: data as written is never shadowed, and the names people
 * reach for first work on records that carry no such property.
 */
export type SysColumn = Extract<Cond, { kind: 'sysCmp' }>['col'];
/** The compiler's field (server/db/sql/where.ts): a property, a timestamp, or a property falling back to one. */
export type Field = { prop: string; sys?: SysColumn } | { prop?: undefined; sys: SysColumn };

export const SYSTEM_FIELDS: Readonly<Record<string, SysColumn>> = {
  __createdAt: 'created_at',
  __updatedAt: 'updated_at',
};
export const FALLBACK_FIELDS: Readonly<Record<string, SysColumn>> = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

export const systemColumnOf = (name: string): SysColumn | undefined =>
  Object.hasOwn(SYSTEM_FIELDS, name) ? SYSTEM_FIELDS[name] : undefined;
export const fallbackColumnOf = (name: string): SysColumn | undefined =>
  Object.hasOwn(FALLBACK_FIELDS, name) ? FALLBACK_FIELDS[name] : undefined;

/** What a name in orderBy, a select field or a $collect orderBy reads. */
export function fieldOf(name: string): Field {
  const sys = systemColumnOf(name);
  if (sys) return { sys };
  const fallback = fallbackColumnOf(name);
  return fallback ? { prop: name, sys: fallback } : { prop: name };
}
