import { ApiKeys } from '@/components/settings/api-keys';

export const metadata = { title: 'API keys' };

export default function ApiKeysPage() {
  return <ApiKeys />;
}
