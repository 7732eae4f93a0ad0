import { Suspense } from 'react';
import { RecordsBrowser } from '@/components/records/records-browser';
import { Loading } from '@/components/ui/loading';

export const metadata = { title: 'Records' };

export default function RecordsPage() {
  // The view lives in the URL's search params, which the client reads (useSearchParams needs a boundary).
  return (
    <Suspense fallback={<Loading label="Loading records…" />}>
      <RecordsBrowser />
    </Suspense>
  );
}
