import { route } from '@/server/http/entry';

export const dynamic = 'force-dynamic';
export const GET = route('trpc');
export const POST = route('trpc');
export const PUT = route('trpc');
export const PATCH = route('trpc');
export const DELETE = route('trpc');
