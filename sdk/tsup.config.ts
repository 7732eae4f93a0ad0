import { defineConfig } from 'tsup';

// ESM + CJS + .d.ts. The API contract and, for Engram.embedded, the engine are bundled from the server's
// sources; npm packages stay external (zod is a dependency, the engine's packages optional peers).
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  splitting: true,
  shims: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  tsconfig: 'tsconfig.json',
  external: ['@prisma/driver-adapter-utils', /^@prisma\/client\//],
});
