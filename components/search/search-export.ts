import { curlPost, jsLiteral } from '@/components/ui/code-export';
import type { SearchInput } from './search-params';

/**
 * A search as something to paste elsewhere: `curl` against `POST /api/v1/ai/search` and the same call on
 * the TypeScript SDK. The key is never embedded: the command reads it from $ENGRAM_KEY.
 */

/** `curl` for `POST /api/v1/ai/search`. */
export const searchCurl = (origin: string, project: string, input: SearchInput): string =>
  curlPost(origin, project, '/api/v1/ai/search', input);

/** The same search through the TypeScript SDK (`db` is a connected client). */
export function searchSdkCall(input: SearchInput): string {
  return `await db.ai.search(${jsLiteral(input, '')});`;
}
