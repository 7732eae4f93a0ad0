import { authenticate, authorize, resolveProject, SESSION_COOKIE, type Principal, type Requirement } from '@/server/domain/auth';
import type { ProjectDeps } from '@/server/domain/deps';
import type { TProject } from '@/server/domain/projects';
import { readCookie } from './context';
import { baseProcedure } from './init';

export const PROJECT_HEADER = 'x-project-id';

const authed = (needs: Requirement) =>
  baseProcedure.use(async ({ ctx, next }) => {
    const { engram, headers } = ctx;
    const principal: Principal = await authenticate(
      { db: engram.db.prisma, masterKey: engram.masterKey.key, sessionSecret: engram.sessionSecret },
      { authorization: headers.get('authorization'), sessionCookie: readCookie(headers, SESSION_COOKIE) },
    );
    authorize(principal, needs);
    return next({ ctx: { principal } });
  });

/** Open to anyone (health, login). */
export const publicProcedure = baseProcedure.meta({ auth: 'public' });

/** Master key or console session only: administration across projects. */
export const masterProcedure = authed('master').meta({ auth: 'master' });

/**
 * Project-scoped work. The project comes from the credentials (a key's own project) or, for the
 * master key and console sessions, from the x-project-id header; `deps` carries that scope into
 * the domain so no procedure can pick another.
 */
export const projectProcedure = (needs: Exclude<Requirement, 'master'>) =>
  authed(needs)
    .meta({ auth: needs })
    .use(async ({ ctx, next }) => {
      const db = ctx.engram.db.prisma;
      const project: TProject = await resolveProject({ db }, ctx.principal, ctx.headers.get(PROJECT_HEADER));
      const { engram } = ctx;
      const deps: ProjectDeps = { db, projectId: project.id, maxHops: engram.env.ENGRAM_MAX_HOPS, embedder: engram.embedder, queryCache: engram.queryCache, backfill: engram.backfill, exactSearchBelow: engram.env.ENGRAM_EXACT_SEARCH_BELOW };
      return next({ ctx: { project, deps } });
    });
