#!/bin/sh
# Stand-in for Prisma's schema engine, which cannot be downloaded here. `prisma generate` does not need
# it; anything that does (prisma migrate) fails loudly instead of hanging. Migrations run through
# server/db/migrate.ts.
echo "schema engine unavailable: use npm run db:migrate" >&2
exit 1
