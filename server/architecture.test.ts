import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Rules of the house that a linter would check file by file but not across files:
 * - no import circles anywhere in the application (type-only imports included: a circle of types still
 *   couples the modules and is how value circles start);
 * - SQL text only in server/db/sql (and the migration runner / maintenance in server/db): everywhere else
 *   builds queries from its fragments, so every dynamic piece is a bound value.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const TREES = ['server', 'components', 'app'];
const SKIP = /(^|\/)(generated|node_modules)(\/|$)/;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (SKIP.test(rel)) continue;
    if (e.isDirectory()) out.push(...files(rel));
    else if (/\.(ts|tsx)$/.test(e.name) && !/\.d\.ts$/.test(e.name)) out.push(rel);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolve(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith('@/')) base = spec.slice(2);
  else if (spec.startsWith('.')) base = path.join(path.dirname(from), spec);
  else return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile()) return candidate;
  }
  return null;
}

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of TREES.flatMap(files)) {
    if (/\.test\.ts$/.test(f)) continue;
    const src = fs.readFileSync(path.join(ROOT, f), 'utf8');
    const deps = new Set<string>();
    for (const m of src.matchAll(IMPORT)) {
      const target = resolve(f, m[1] ?? m[2]!);
      if (target && !SKIP.test(target)) deps.add(target);
    }
    g.set(f, [...deps]);
  }
  return g;
}

/** Strongly connected components with more than one file (or a file importing itself): the circles. */
function circles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('architecture', () => {
  it('has no import circles (type-only imports included)', () => {
    expect(circles(graph())).toEqual([]);
  });

  it('detects a circle when there is one (the checker itself works)', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(circles(g)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('writes SQL text only in server/db', () => {
    const offenders: string[] = [];
    const SQL_TEXT = /\$(queryRaw|executeRaw)`|Prisma\.(sql|raw|join)\b|\$(queryRaw|executeRaw)Unsafe/;
    for (const f of TREES.flatMap(files)) {
      if (f.startsWith('server/db/') || /\.test\.ts$/.test(f)) continue;
      const src = fs.readFileSync(path.join(ROOT, f), 'utf8');
      src.split('\n').forEach((line, i) => {
        if (SQL_TEXT.test(line)) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('keeps raw SQL pieces inside server/db/sql: the fragments barrel does not hand out `raw`', async () => {
    const sqlBarrel = await import('@/server/db/sql');
    expect(Object.keys(sqlBarrel)).not.toContain('raw');
    const db = await import('@/server/db');
    expect(Object.keys(db)).not.toContain('Prisma');
  });
});
