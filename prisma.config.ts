import { defineConfig } from 'prisma/config';

// Prisma is used for generation only; migrations are applied by server/db/migrate.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
