import { z } from 'zod';
import type { ProjectDeps } from '../deps';

export const ZProjectCounts = z.object({
  apiKeys: z.number().int().describe('active (not revoked) API keys'),
});
export type TProjectCounts = z.infer<typeof ZProjectCounts>;

/** The counts the console's Home page shows; later issues add records, labels and relationships. */
export async function countProjectObjects(deps: ProjectDeps): Promise<TProjectCounts> {
  const apiKeys = await deps.db.apiKey.count({ where: { projectId: deps.projectId, revokedAt: null } });
  return { apiKeys };
}
