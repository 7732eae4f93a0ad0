import { route } from '@/server/http/entry';

export const dynamic = 'force-dynamic';
export const GET = route('health');
