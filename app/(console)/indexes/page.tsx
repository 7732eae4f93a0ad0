import { IndexesView } from '@/components/indexes/indexes-view';

export const metadata = { title: 'Indexes' };

export default function IndexesPage() {
  return <IndexesView />;
}
