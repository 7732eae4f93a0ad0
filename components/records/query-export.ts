import { curlPost, jsLiteral } from '@/components/ui/code-export';

/**
 * A SearchQuery as something to paste elsewhere: a curl command for the REST API and a call on the
 * TypeScript SDK. The key is never embedded: the command reads it from $ENGRAM_KEY.
 */
export type SearchQuery = {
  labels?: string[];
  where?: Record<string, unknown>;
  orderBy?: 'asc' | 'desc' | Record<string, 'asc' | 'desc'>;
  skip?: number;
  limit?: number;
};

/** `curl` for `POST /api/v1/records/search`. */
export const curlCommand = (origin: string, project: string, query: SearchQuery): string =>
  curlPost(origin, project, '/api/v1/records/search', query);

/** The same query through the TypeScript SDK (`db` is a connected client). */
export function sdkCall(query: SearchQuery): string {
  return `await db.records.find(${jsLiteral(query, '')});`;
}
