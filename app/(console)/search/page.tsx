import { Suspense } from 'react';
import { SearchView } from '@/components/search/search-view';
import { Loading } from '@/components/ui/loading';

export const metadata = { title: 'Search' };

export default function SearchPage() {
  // The search that ran lives in the URL's search params, which the client reads (useSearchParams needs a boundary).
  return (
    <Suspense fallback={<Loading label="Loading search…" />}>
      <SearchView />
    </Suspense>
  );
}
