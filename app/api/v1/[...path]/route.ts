import { route } from '@/server/http/entry';

export const dynamic = 'force-dynamic';
export const GET = route('rest');
export const POST = route('rest');
export const PUT = route('rest');
export const PATCH = route('rest');
export const DELETE = route('rest');
export const HEAD = route('rest');
export const OPTIONS = route('rest');
