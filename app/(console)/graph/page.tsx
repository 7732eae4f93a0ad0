import { Suspense } from 'react';
import { GraphView } from '@/components/graph/graph-view';
import { Loading } from '@/components/ui/loading';

export const metadata = { title: 'Graph' };

export default function GraphPage() {
  // The graph shown lives in the URL's search params, which the client reads (useSearchParams needs a boundary).
  return (
    <Suspense fallback={<Loading label="Loading graph…" />}>
      <GraphView />
    </Suspense>
  );
}
