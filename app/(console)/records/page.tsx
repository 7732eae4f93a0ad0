import { ComingSoon } from '@/components/ui/coming-soon';

export const metadata = { title: 'Records' };

export default function RecordsPage() {
  return <ComingSoon section="records" />;
}
