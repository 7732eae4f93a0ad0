import { uuidv7 } from 'uuidv7';
import { isUniqueViolation, sql as S } from '@/server/db';
import { DomainError } from '@/server/errors';
import type { BaseDeps } from '../deps';
import { isUuid, type TCreateProjectInput, type TProject } from './projects.schema';

export const DEFAULT_PROJECT = 'default';

type Row = { id: string; name: string; createdAt: Date };
const toProject = (r: Row): TProject => ({ id: r.id, name: r.name, createdAt: r.createdAt.toISOString() });

export async function createProject(deps: BaseDeps, { name }: TCreateProjectInput): Promise<TProject> {
  const conflict = () =>
    new DomainError('CONFLICT', `A project named "${name}" already exists`, { path: ['name'], got: name });
  if (await deps.db.project.findUnique({ where: { name } })) throw conflict();
  try {
    return toProject(await deps.db.project.create({ data: { id: uuidv7(), name } }));
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(); // a concurrent create won the race
    throw e;
  }
}

export async function listProjects(deps: BaseDeps): Promise<{ items: TProject[]; total: number }> {
  const rows = await deps.db.project.findMany({ orderBy: { createdAt: 'asc' } });
  return { items: rows.map(toProject), total: rows.length };
}

/** A project by id or by name; null when there is none. */
export async function findProject(deps: BaseDeps, ref: string): Promise<TProject | null> {
  const row = isUuid(ref)
    ? await deps.db.project.findUnique({ where: { id: ref.toLowerCase() } })
    : await deps.db.project.findUnique({ where: { name: ref } });
  return row ? toProject(row) : null;
}

export async function getProject(deps: BaseDeps, ref: string): Promise<TProject> {
  const project = await findProject(deps, ref);
  if (!project) throw new DomainError('NOT_FOUND', `Project "${ref}" not found`, { got: ref });
  return project;
}

/** Makes sure the `default` project exists; safe to call from several processes at once. */
export async function ensureDefaultProject(deps: BaseDeps): Promise<TProject> {
  await deps.db.$executeRaw(S.projectSql.ensureProject(uuidv7(), DEFAULT_PROJECT));
  return getProject(deps, DEFAULT_PROJECT);
}
