// The engine of Engram.embedded applies the server's migrations: they ship beside the bundle.
import fs from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const from = path.join(here, '..', '..', 'prisma', 'migrations');
const to = path.join(here, '..', 'dist', 'migrations');
fs.rmSync(to, { recursive: true, force: true });
fs.cpSync(from, to, { recursive: true });
console.log(`migrations copied to ${path.relative(process.cwd(), to)}`);
