import { z } from 'zod';

export const ZProjectCounts = z.object({
  apiKeys: z.number().int().describe('active (not revoked) API keys'),
});
export type TProjectCounts = z.infer<typeof ZProjectCounts>;
