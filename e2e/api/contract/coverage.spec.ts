import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { contract, type Operation } from './contract';
import { MANIFEST } from './manifest';

const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The operations a spec file calls with `.ok('…'` and with `.fails('…'`. */
function calledIn(file: string): { ok: Set<string>; fails: Set<string> } {
  const text = fs.readFileSync(path.join(API_DIR, file), 'utf8');
  const found = { ok: new Set<string>(), fails: new Set<string>() };
  for (const m of text.matchAll(/\.(ok|fails)\(\s*'([A-Z]+ \/[^']*)'/g)) found[m[1] as 'ok' | 'fails'].add(m[2]!);
  return found;
}

function specFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(API_DIR, dir))
    .filter((f) => f.endsWith('.spec.ts'))
    .map((f) => `${dir}/${f}`);
}

test('every operation of the OpenAPI document has a contract test: a success and an error, in the spec the manifest names', async () => {
  const c = await contract();
  const documented = c.operations().sort();
  expect(documented.length).toBeGreaterThan(40);
  const listed = (Object.keys(MANIFEST) as Operation[]).sort();
  expect
    .soft(
      documented.filter((op) => !(op in MANIFEST)),
      'documented operations missing from e2e/api/contract/manifest.ts',
    )
    .toEqual([]);
  expect
    .soft(
      listed.filter((op) => !documented.includes(op)),
      'manifest operations the document does not have',
    )
    .toEqual([]);

  const missing: string[] = [];
  for (const [op, file] of Object.entries(MANIFEST)) {
    if (!fs.existsSync(path.join(API_DIR, file))) {
      missing.push(`${op}: ${file} does not exist`);
      continue;
    }
    const { ok, fails } = calledIn(file);
    if (!ok.has(op)) missing.push(`${op}: no .ok('${op}' in ${file}`);
    if (!fails.has(op)) missing.push(`${op}: no .fails('${op}' in ${file}`);
  }
  expect(missing).toEqual([]);
});

test('the contract specs call only operations the document has', async () => {
  const documented = new Set<string>((await contract()).operations());
  const unknown: string[] = [];
  for (const file of [...specFiles('contract'), ...specFiles('serial')]) {
    const { ok, fails } = calledIn(file);
    for (const op of [...ok, ...fails]) if (!documented.has(op)) unknown.push(`${file}: ${op}`);
  }
  expect(unknown).toEqual([]);
});
