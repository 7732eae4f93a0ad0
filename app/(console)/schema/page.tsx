import { SchemaView } from '@/components/schema/schema-view';

export const metadata = { title: 'Schema' };

export default function SchemaPage() {
  return <SchemaView />;
}
