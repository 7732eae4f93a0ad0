import { createProject, listProjects } from '@/server/domain/projects';
import { countProjectObjects } from '@/server/domain/stats';
import { contract } from '@/server/contract';
import { router } from '../init';
import { masterProcedure, projectProcedure } from '../procedures';

export const projectsRouter = router({
  list: masterProcedure
    .meta({ openapi: contract.projects.list.openapi })
    .input(contract.projects.list.input)
    .output(contract.projects.list.output)
    .query(({ ctx }) => listProjects(ctx.deps)),

  create: masterProcedure

    .meta({ openapi: contract.projects.create.openapi })
    .input(contract.projects.create.input)
    .output(contract.projects.create.output)
    .mutation(({ ctx, input }) => createProject(ctx.deps, input)),

  current: projectProcedure('read')
    .meta({ openapi: contract.projects.current.openapi })
    .input(contract.projects.current.input)
    .output(contract.projects.current.output)
    .query(async ({ ctx }) => ({ project: ctx.project, counts: await countProjectObjects(ctx.deps) })),
});
