import { ComingSoon } from '@/components/ui/coming-soon';

export const metadata = { title: 'Search' };

export default function SearchPage() {
  return <ComingSoon section="search" />;
}
