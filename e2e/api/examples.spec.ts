import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { sdkContext } from '../helpers/sdk';
import { E2E_BASE_URL, E2E_MASTER_KEY } from '../helpers/env';

/**
 * The examples in examples/ run as a user runs them (`npx tsx examples/<name>.ts`) against the production
 * server, each on a project of its own; their output is what this checks.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');

function runExample(name: string, project: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), `examples/${name}.ts`], {
      cwd: ROOT,
      env: { ...process.env, ENGRAM_URL: E2E_BASE_URL, ENGRAM_KEY: E2E_MASTER_KEY, ENGRAM_PROJECT: project },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

test.describe('examples', () => {
  test.describe.configure({ timeout: 120_000 });

  test('quickstart: the seed example finds the decision first, within alice’s memories', async () => {
    const { project } = await sdkContext('ex-quick');
    const { code, out } = await runExample('quickstart', project);
    expect(code, out).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('We decided to launch the Pro plan in March');
    expect(out).not.toContain('Bob');
  });

  test('langgraph-store: put, get, filter, search by meaning, namespaces, delete', async () => {
    const { project } = await sdkContext('ex-lg');
    const { code, out } = await runExample('langgraph-store', project);
    expect(code, out).toBe(0);
    expect(out).toContain('get: Alice prefers tea to coffee');
    expect(out).toContain('decisions: users/alice/memories, users/bob/memories');
    expect(out).toContain('search: We decided to launch the Pro plan in March');
    expect(out).toContain('namespaces: [["users","alice"],["users","bob"]]');
    expect(out).toContain('after delete: null');
  });

  test('langchain: the retriever ranks inside the filter; the history round-trips', async () => {
    const { project } = await sdkContext('ex-lc');
    const { code, out } = await runExample('langchain', project);
    expect(code, out).toBe(0);
    const retrieved = out.split('\n').filter((l) => l.startsWith('retrieved:'));
    expect(retrieved).toHaveLength(2);
    expect(retrieved[0]).toContain('The Pro plan launches in March');
    expect(out).not.toContain('Bob thinks');
    expect(out).toContain('history: human: When does Pro launch?\nhistory: ai: In March, at $20 a month.');
  });

  test('vercel-ai-tools: remember, relate, recall, forget within one user', async () => {
    const { project, db } = await sdkContext('ex-ai');
    const { code, out } = await runExample('vercel-ai-tools', project);
    expect(code, out).toBe(0);
    expect(out).toContain('related: {"attached":1}');
    expect(out.split('\n').find((l) => l.startsWith('recalled:'))).toContain('launch the Pro plan');
    expect(out).toContain('forgotten: {"deleted":1}');
    const left = await db.records.find({ labels: ['MEMORY'] });
    expect(left.items.map((r) => r.user_id)).toEqual(['alice']);
  });
});
