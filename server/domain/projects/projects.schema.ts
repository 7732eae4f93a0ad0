import { z } from 'zod';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const ZProjectName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, "-" and "_", starting with a letter or digit')
  .refine((s) => !UUID_RE.test(s), 'must not look like a project id (UUID)');

export const ZCreateProjectInput = z.object({ name: ZProjectName });
export type TCreateProjectInput = z.output<typeof ZCreateProjectInput>;

export const ZProject = z.object({ id: z.uuid(), name: z.string(), createdAt: z.iso.datetime() });
export type TProject = z.infer<typeof ZProject>;

export const isUuid = (s: string) => UUID_RE.test(s);
