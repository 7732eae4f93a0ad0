import { defineConfig } from 'tsup';

// ESM + CJS + .d.ts. The API contract and, for Engram.embedded, the engine are bundled from the server's
// sources; npm packages stay external (zod is a dependency, the engine's packages optional peers).
export default defineConfig({
  // The framework backends are entry points of their own: each needs only its framework (a peer dependency).
  entry: { index: 'src/index.ts', langgraph: 'src/langgraph.ts', langchain: 'src/langchain.ts', ai: 'src/ai.ts' },
  format: ['esm', 'cjs'],
  dts: {
    entry: { index: 'src/index.ts', langgraph: 'src/langgraph.ts', langchain: 'src/langchain.ts', ai: 'src/ai.ts' },
  },
  splitting: true,
  shims: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  tsconfig: 'tsconfig.json',
  external: ['@prisma/driver-adapter-utils', /^@prisma\/client\//],
});
