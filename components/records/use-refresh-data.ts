'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';

/** After a write: every view of the project's data (records, label counts, schema, Home counts) refetches. */
export function useRefreshData(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    const keys = [
      trpc.records.pathKey(),
      trpc.labels.pathKey(),
      trpc.schema.pathKey(),
      trpc.projects.current.queryKey(),
    ];
    await Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  };
}
