import { ComingSoon } from '@/components/ui/coming-soon';

export const metadata = { title: 'Import' };

export default function ImportPage() {
  return <ComingSoon section="import" />;
}
