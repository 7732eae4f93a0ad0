import { z } from 'zod';
import { createProject, listProjects, ZCreateProjectInput, ZProject } from '@/server/domain/projects';
import { countProjectObjects, ZProjectCounts } from '@/server/domain/stats';
import { router } from '../init';
import { masterProcedure, projectProcedure } from '../procedures';

export const projectsRouter = router({
  list: masterProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/projects',
        summary: 'List projects (master key)',
        tags: ['projects'],
        envelope: 'list',
      },
    })
    .input(z.object({}).optional())
    .output(z.object({ items: z.array(ZProject), total: z.number().int() }))
    .query(({ ctx }) => listProjects(ctx.deps)),

  create: masterProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/projects',
        summary: 'Create a project (master key)',
        tags: ['projects'],
        status: 201,
      },
    })
    .input(ZCreateProjectInput)
    .output(ZProject)
    .mutation(({ ctx, input }) => createProject(ctx.deps, input)),

  current: projectProcedure('read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/projects/current',
        summary: 'The project this call acts on, with counts',
        tags: ['projects'],
      },
    })
    .input(z.object({}).optional())
    .output(z.object({ project: ZProject, counts: ZProjectCounts }))
    .query(async ({ ctx }) => ({ project: ctx.project, counts: await countProjectObjects(ctx.deps) })),
});
