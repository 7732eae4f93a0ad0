import type { RouterOutputs } from '@/components/providers/trpc';

export type SchemaLabel = RouterOutputs['schema']['get']['labels'][number];
export type SchemaProperty = SchemaLabel['properties'][number];
