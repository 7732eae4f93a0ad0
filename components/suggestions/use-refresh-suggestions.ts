'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';

/**
 * After a decision or an analysis: the three lists, the analysis and previews refetch, and so does
 * every view that shows relationships (records' drawers, the schema's relationship types, the graph).
 */
export function useRefreshSuggestions(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    const keys = [
      trpc.suggestions.pathKey(),
      trpc.relationships.pathKey(),
      trpc.records.pathKey(),
      trpc.schema.pathKey(),
    ];
    await Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  };
}
