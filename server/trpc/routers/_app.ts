import { router } from '../init';
import { authRouter } from './auth.router';
import { keysRouter } from './keys.router';
import { projectsRouter } from './projects.router';

export const appRouter = router({
  auth: authRouter,
  projects: projectsRouter,
  keys: keysRouter,
});

export type AppRouter = typeof appRouter;
