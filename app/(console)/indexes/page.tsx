import { ComingSoon } from '@/components/ui/coming-soon';

export const metadata = { title: 'Indexes' };

export default function IndexesPage() {
  return <ComingSoon section="indexes" />;
}
