'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC, type RouterOutputs } from '@/components/providers/trpc';
import { TIMESTAMP_COLUMNS } from './timestamps';

type SchemaLabel = RouterOutputs['schema']['get']['labels'][number];
export type PropHint = { name: string; types: string[]; samples: string[] };

/**
 * What the builder suggests, from the live schema: property names with their types (for sensible
 * operators and value boxes) in a scope (a label, or every label), related labels, relationship types.
 * Suggestions only: anything can still be typed, and without a schema the builder works the same.
 */
export type SchemaHints = {
  props: (scope: string | null) => PropHint[];
  propTypes: (prop: string, scope: string | null) => string[] | undefined;
  /** Labels linked to `from` first (every label when `from` is null), then the others. */
  relatedLabels: (from: string | null) => string[];
  /** Relationship types between `from` and `to`, or every type when they are not known. */
  relationshipTypes: (from: string | null, to: string) => string[];
};

const uniq = (xs: string[]) => [...new Set(xs)];
const TIMESTAMP_HINTS: PropHint[] = TIMESTAMP_COLUMNS.map((c) => ({ name: c.key, types: ['datetime'], samples: [] }));

export function useSchemaHints(label: string | null): SchemaHints {
  const trpc = useTRPC();
  const schema = useQuery({ ...trpc.schema.get.queryOptions(), staleTime: 60_000 });
  const labels = schema.data?.labels;

  return useMemo(() => {
    const all = labels ?? [];
    const byName = new Map(all.map((l) => [l.name, l]));
    /** `null` is the page's own scope: the selected label, or every label. */
    const inScope = (scope: string | null): SchemaLabel[] => {
      const name = scope ?? label;
      if (name === null) return all;
      const l = byName.get(name);
      return l ? [l] : [];
    };
    const props = (scope: string | null): PropHint[] => {
      const merged = new Map<string, PropHint>();
      for (const l of inScope(scope)) {
        for (const p of l.properties) {
          const h = merged.get(p.name) ?? { name: p.name, types: [], samples: [] };
          h.types = uniq([...h.types, ...p.types]);
          h.samples = uniq([...h.samples, ...(p.samples ?? [])]).slice(0, 10);
          merged.set(p.name, h);
        }
      }
      // Every record has its system timestamps, whatever the schema says.
      return [...[...merged.values()].sort((a, b) => a.name.localeCompare(b.name)), ...TIMESTAMP_HINTS];
    };
    const propTypes = (prop: string, scope: string | null) => props(scope).find((p) => p.name === prop)?.types;
    const relatedLabels = (from: string | null) => {
      const linked = inScope(from).flatMap((l) => l.relationships.map((r) => r.label));
      return uniq([...linked.sort(), ...all.map((l) => l.name).sort()]);
    };
    const relationshipTypes = (from: string | null, to: string) => {
      const between = inScope(from).flatMap((l) => l.relationships.filter((r) => r.label === to).map((r) => r.type));
      return uniq(between.length > 0 ? between : all.flatMap((l) => l.relationships.map((r) => r.type))).sort();
    };
    return { props, propTypes, relatedLabels, relationshipTypes };
  }, [labels, label]);
}
