import type { ProjectDeps } from '../deps';
import type { TProjectCounts } from './stats.schema';

export * from './stats.schema';

/** The counts the console's Home page shows; later issues add records, labels and relationships. */
export async function countProjectObjects(deps: ProjectDeps): Promise<TProjectCounts> {
  const apiKeys = await deps.db.apiKey.count({ where: { projectId: deps.projectId, revokedAt: null } });
  return { apiKeys };
}
