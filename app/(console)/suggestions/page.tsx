import { ComingSoon } from '@/components/ui/coming-soon';

export const metadata = { title: 'Suggestions' };

export default function SuggestionsPage() {
  return <ComingSoon section="suggestions" />;
}
