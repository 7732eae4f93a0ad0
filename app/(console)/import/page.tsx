import { ImportPage } from '@/components/import/import-page';

export const metadata = { title: 'Import' };

export default function ImportSectionPage() {
  return <ImportPage />;
}
