import { route } from '@/server/http/entry';

// Any /api path no other route serves answers the JSON error shape, not the console's HTML 404.
export const dynamic = 'force-dynamic';
export const GET = route('notFound');
export const POST = route('notFound');
export const PUT = route('notFound');
export const PATCH = route('notFound');
export const DELETE = route('notFound');
export const HEAD = route('notFound');
export const OPTIONS = route('notFound');
