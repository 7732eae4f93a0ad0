import { SuggestionsView } from '@/components/suggestions/suggestions-view';

export const metadata = { title: 'Suggestions' };

export default function SuggestionsPage() {
  return <SuggestionsView />;
}
