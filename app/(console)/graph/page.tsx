import { ComingSoon } from '@/components/ui/coming-soon';

export const metadata = { title: 'Graph' };

export default function GraphPage() {
  return <ComingSoon section="graph" />;
}
