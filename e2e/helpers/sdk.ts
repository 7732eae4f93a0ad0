import { expect } from '@playwright/test';
import type { ExpectStatic } from 'vitest';
import { Engram } from '../../sdk/src';
import type { SdkContext } from '../../sdk/test/scenarios';
import { E2E_BASE_URL, E2E_DATABASE_KIND, E2E_MASTER_KEY } from './env';

/** A master-key SDK client on a fresh project of the e2e server, for the shared SDK scenarios. */
export async function sdkContext(tag: string): Promise<SdkContext> {
  const master = new Engram({ url: E2E_BASE_URL, apiKey: E2E_MASTER_KEY });
  const project = `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  await master.projects.create({ name: project });
  return {
    db: master.withProject(project),
    project,
    backend: E2E_DATABASE_KIND,
    mode: 'http',
    expect: expect as unknown as ExpectStatic,
    semantic: true,
  };
}
