// Playwright's webServer command: starts `scripts/serve.mjs` (which builds first when there is no
// production build) on a data folder that is emptied before the run and removed after it, so every
// e2e run starts from a fresh database. SIGTERM/SIGINT are passed on so the server closes its
// database cleanly; this process exits with the server's exit code.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = process.env.ENGRAM_DATA_DIR;
if (!dataDir) {
  console.error('[e2e] ENGRAM_DATA_DIR must be set (playwright.config.ts sets it)');
  process.exit(2);
}
const absData = path.resolve(root, dataDir);
fs.rmSync(absData, { recursive: true, force: true });
fs.mkdirSync(absData, { recursive: true });
console.log(
  `[e2e] data folder ${path.relative(root, absData)} (${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'})`,
);

const child = spawn(process.execPath, [path.join(root, 'scripts/serve.mjs')], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  if (!process.env.E2E_KEEP_DATA) fs.rmSync(absData, { recursive: true, force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
