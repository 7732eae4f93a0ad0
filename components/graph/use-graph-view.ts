'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { graphViewSearch, readGraphView, type GraphView } from './graph-params';

/** The view and a way to change it (history.pushState, which Next.js syncs with useSearchParams). */
export function useGraphView(): [GraphView, (patch: Partial<GraphView>) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const view = useMemo(() => readGraphView(new URLSearchParams(params.toString())), [params]);
  const navigate = useCallback(
    (patch: Partial<GraphView>) =>
      window.history.pushState(null, '', `${pathname}${graphViewSearch({ ...view, ...patch })}`),
    [view, pathname],
  );
  return [view, navigate];
}
