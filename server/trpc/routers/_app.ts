import { router } from '../init';
import { aiRouter } from './ai.router';
import { batchRouter, txRouter } from './tx.router';
import { authRouter } from './auth.router';
import { keysRouter } from './keys.router';
import { projectsRouter } from './projects.router';
import { labelsRouter, propertiesRouter, recordsRouter } from './records.router';
import { relationshipsRouter } from './relationships.router';
import { schemaRouter } from './schema.router';
import { suggestionsRouter } from './suggestions.router';

export const appRouter = router({
  auth: authRouter,
  projects: projectsRouter,
  keys: keysRouter,
  records: recordsRouter,
  relationships: relationshipsRouter,
  labels: labelsRouter,
  properties: propertiesRouter,
  schema: schemaRouter,
  suggestions: suggestionsRouter,
  ai: aiRouter,
  tx: txRouter,
  batch: batchRouter,
});

export type AppRouter = typeof appRouter;
