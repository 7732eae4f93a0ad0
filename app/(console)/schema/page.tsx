import { ComingSoon } from '@/components/ui/coming-soon';

export const metadata = { title: 'Schema' };

export default function SchemaPage() {
  return <ComingSoon section="schema" />;
}
