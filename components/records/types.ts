import type { inferRouterInputs } from '@trpc/server';
import type { RouterOutputs } from '@/components/providers/trpc';
import type { AppRouter } from '@/server/trpc/routers/_app';

export type RecordItem = RouterOutputs['records']['find']['items'][number];
export type PropType = RecordItem['__proptypes'][string];
export type Relationship = RouterOutputs['records']['relationships'][number];
export type FindInput = inferRouterInputs<AppRouter>['records']['find'];

/** The user's properties of a record, without the `__id`, `__label`, `__proptypes` and timestamps envelope. */
export function propertiesOf(record: RecordItem): Record<string, unknown> {
  const {
    __id: _id,
    __label: _label,
    __proptypes: _types,
    __createdAt: _created,
    __updatedAt: _updated,
    ...properties
  } = record;
  return properties;
}

/** A short form of a UUIDv7 for tables: its random tail, which differs between records made in the same millisecond. */
export const shortId = (id: string) => id.slice(-8);
