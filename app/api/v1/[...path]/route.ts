import { handlers } from '@/server/http/handlers';

export const dynamic = 'force-dynamic';
export const GET = handlers.rest;
export const POST = handlers.rest;
export const PUT = handlers.rest;
export const PATCH = handlers.rest;
export const DELETE = handlers.rest;
