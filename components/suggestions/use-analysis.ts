'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { pollAnalysis } from './types';

/**
 * The project's analysis, polled every second while it runs (and now and then otherwise, to notice
 * analyses started by writes), and "analyze now", which joins a running analysis rather than starting a
 * second. Whenever an analysis ends, the lists refetch.
 */
export function useAnalysis() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const analysis = useQuery(trpc.suggestions.analysis.queryOptions(undefined, { refetchInterval: pollAnalysis }));
  const analyze = useMutation(
    trpc.suggestions.analyze.mutationOptions({
      onSuccess: (a) => queryClient.setQueryData(trpc.suggestions.analysis.queryKey(), a),
    }),
  );

  const data = analysis.data;
  const seen = useRef<string | null>(null);
  useEffect(() => {
    if (!data) return;
    const state = `${data.status}|${data.startedAt}|${data.finishedAt}`;
    if (seen.current !== null && seen.current !== state && data.status !== 'running') {
      void queryClient.invalidateQueries({ queryKey: trpc.suggestions.list.pathKey() });
    }
    seen.current = state;
  }, [data, queryClient, trpc]);

  return { analysis, analyze };
}

export type AnalysisState = ReturnType<typeof useAnalysis>;
