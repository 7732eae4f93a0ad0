import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The SDK as a package: `npm run build` in sdk/ gives ESM, CJS and .d.ts that work from a consumer's side —
 * Node resolving `@engram/sdk` through its exports (the workspace link), and TypeScript checking a consumer
 * against the bundled declarations (a typo'd operator must be a compile error there too).
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const sdk = path.join(root, 'sdk');
const node = process.execPath;

function run(args: string[], cwd: string, input?: string) {
  const r = spawnSync(node, args, {
    cwd,
    input,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ENGRAM_LOG_LEVEL: 'warn', DATABASE_URL: '' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  execFileSync(node, [path.join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js')], { cwd: sdk, stdio: 'pipe' });
  execFileSync(node, ['scripts/copy-migrations.mjs'], { cwd: sdk, stdio: 'pipe' });
}, 180_000);

const program = (dir: string) => `
  const db = await Engram.embedded({ dataDir: ${JSON.stringify(dir)}, env: { ENGRAM_EMBEDDINGS_PROVIDER: 'fake' } });
  try {
    const index = await db.ai.indexes.create({ label: 'MEMORY', propertyName: 'output' });
    await db.records.create({ label: 'MEMORY', data: { user_id: 'alice', output: 'We decided to launch Pro in March' } });
    for (;;) { if ((await db.ai.indexes.get(index.id)).status === 'ready') break; await new Promise((r) => setTimeout(r, 50)); }
    const hits = await db.ai.search({ labels: ['MEMORY'], propertyName: 'output', query: 'What did we decide about the Pro launch?', where: { user_id: 'alice' } });
    const missing = await db.records.get('01900000-0000-7000-8000-000000000000').catch((e) => e);
    console.log(JSON.stringify({ text: hits.items[0].output, notFound: missing instanceof NotFoundError && missing instanceof EngramError, status: missing.status }));
  } finally { await db.close(); }
`;

describe('the built SDK package', () => {
  it('ships ESM, CJS, declarations and the migrations', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(sdk, 'package.json'), 'utf8'));
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'migrations'])
      expect(fs.existsSync(path.join(sdk, 'dist', file)), file).toBe(true);
    expect(pkg.exports['.'].import.default).toBe('./dist/index.js');
    expect(pkg.exports['.'].require.default).toBe('./dist/index.cjs');
    // The declarations are self-contained: nothing points back into the server's sources.
    const declarations = fs.readdirSync(path.join(sdk, 'dist')).filter((f) => f.endsWith('.d.ts'));
    for (const file of declarations)
      expect(fs.readFileSync(path.join(sdk, 'dist', file), 'utf8'), file).not.toMatch(/from ['"](\.\.\/|@\/)/);
    expect(declarations.map((f) => fs.readFileSync(path.join(sdk, 'dist', f), 'utf8')).join('\n')).toContain(
      'declare class Engram',
    );
    for (const entry of ['.', './langgraph', './langchain', './ai']) {
      expect(pkg.exports[entry].import.types, entry).toMatch(/\.d\.ts$/);
      expect(pkg.exports[entry].require.default, entry).toMatch(/\.cjs$/);
    }
  });

  it('runs the seed example from ESM (import) and CJS (require), in-process', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'engram-pkg-'));
    try {
      const esm = run(
        ['--input-type=module', '-'],
        root,
        `import { Engram, EngramError, NotFoundError } from '@engram/sdk';\n${program(path.join(tmp, 'esm'))}`,
      );
      expect(esm.out).toContain('"text":"We decided to launch Pro in March"');
      expect(esm.out).toContain('"notFound":true,"status":404');
      expect(esm.code).toBe(0);
      const cjs = run(
        ['-'],
        root,
        `const { Engram, EngramError, NotFoundError } = require('@engram/sdk');\n(async () => {${program(path.join(tmp, 'cjs'))}})().catch((e) => { console.error(e); process.exit(1); });`,
      );
      expect(cjs.out).toContain('"notFound":true,"status":404');
      expect(cjs.code).toBe(0);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);

  it('the framework entry points load from ESM and CJS with their frameworks as peers', () => {
    const names = {
      '@engram/sdk/langgraph': 'EngramStore',
      '@engram/sdk/langchain': 'EngramRetriever',
      '@engram/sdk/ai': 'engramTools',
    };
    for (const [spec, name] of Object.entries(names)) {
      const esm = run(
        ['--input-type=module', '-e', `import * as m from '${spec}'; console.log(typeof m.${name});`],
        root,
      );
      expect(esm.out.trim(), spec).toBe('function');
      const cjs = run(['-e', `console.log(typeof require('${spec}').${name});`], root);
      expect(cjs.out.trim(), spec).toBe('function');
    }
  });

  it('types a consumer from the declarations: a typo’d operator is a compile error', () => {
    const dir = fs.mkdtempSync(path.join(root, '.tmp-sdk-consumer-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2022',
            noEmit: true,
            skipLibCheck: false,
            types: [],
          },
          files: ['consumer.ts'],
        }),
      );
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      fs.writeFileSync(
        path.join(dir, 'consumer.ts'),
        `import { Engram, NotFoundError, type EngramRecord } from '@engram/sdk';
const db = new Engram({ url: 'http://127.0.0.1:3000', apiKey: 'k' });
export async function ok(): Promise<EngramRecord<{ age: number }>[]> {
  const page = await db.records.find<{ age: number }>({ labels: ['PERSON'], where: { age: { $gte: 30 }, $or: [{ city: 'Oslo' }] } });
  const n: number = page.items[0]!.age;
  void n;
  return page.items;
}
export async function typo() {
  // @ts-expect-error $gtt is not an operator of the query language
  await db.records.find({ where: { age: { $gtt: 30 } } });
  // @ts-expect-error label is a string
  await db.records.create({ label: 7, data: {} });
}
export const isNotFound = (e: unknown) => e instanceof NotFoundError && e.status === 404;
`,
      );
      const tsc = run([path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], root);
      expect(tsc.out).toBe('');
      expect(tsc.code).toBe(0);
      // And without the expect-error comments the typo is reported.
      const src = fs.readFileSync(path.join(dir, 'consumer.ts'), 'utf8').replace(/ *\/\/ @ts-expect-error.*\n/g, '');
      fs.writeFileSync(path.join(dir, 'consumer.ts'), src);
      const failing = run([path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], root);
      expect(failing.code).not.toBe(0);
      expect(failing.out).toContain('consumer.ts(10');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
