import { handlers } from '@/server/http/handlers';

export const dynamic = 'force-dynamic';
export const GET = handlers.health;
