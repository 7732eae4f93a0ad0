import { Prisma } from '../generated/client';

/**
 * Small combinators over Prisma.sql fragments. Values always travel as bind parameters; the only raw
 * text is what this folder writes itself (keywords, operators and casts from closed tables).
 */
export type Sql = Prisma.Sql;
export const sql = Prisma.sql;
export const raw = Prisma.raw;
export const join = Prisma.join;
export const empty = Prisma.empty;

export const TRUE = raw('TRUE');
export const FALSE = raw('FALSE');

/** AND of the parts; an empty AND is TRUE. */
export function and(parts: Sql[]): Sql {
  if (parts.length === 0) return TRUE;
  if (parts.length === 1) return parts[0]!;
  return sql`(${join(parts, ' AND ')})`;
}

/** OR of the parts; an empty OR is FALSE. */
export function or(parts: Sql[]): Sql {
  if (parts.length === 0) return FALSE;
  if (parts.length === 1) return parts[0]!;
  return sql`(${join(parts, ' OR ')})`;
}

export const not = (part: Sql): Sql => sql`(NOT ${part})`;

/** A JSON value as a jsonb parameter. */
export const jsonb = (value: unknown): Sql => sql`${JSON.stringify(value)}::jsonb`;
export const uuid = (value: string): Sql => sql`${value}::uuid`;
export const uuidList = (values: string[]): Sql => join(values.map(uuid), ', ');
