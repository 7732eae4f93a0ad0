// Child process for indexes/backfill-resume.int.test.ts: starts Engram on the given data folder or
// DATABASE_URL with a slow fake embedder, creates records and an index, and prints the backfill's
// progress until it is killed. Not part of the product.
import { readEnv } from '@/server/env';
import { startEngram } from '@/server/engram';
import { createFakeEmbedder, type Embedder } from '@/server/domain/embeddings';
import { createProject, ZCreateProjectInput } from '@/server/domain/projects';
import { importJson } from '@/server/domain/records';
import { BackfillRunner, createIndex } from '@/server/domain/indexes';

const inner = createFakeEmbedder();
const slow: Embedder = {
  ...inner,
  embed: async (texts) => (await new Promise((r) => setTimeout(r, 40)), inner.embed(texts)),
};
const env = readEnv({
  DATABASE_URL: process.env.DATABASE_URL ?? '',
  ENGRAM_DATA_DIR: process.env.ENGRAM_DATA_DIR,
  ENGRAM_MASTER_KEY: 'child-master-key-0123456789abcdef',
  ENGRAM_LOG_LEVEL: 'silent',
});
const engram = await startEngram({ env, quiet: true, embedder: slow });
// Short leases, so that on PostgreSQL the parent takes over the index this process still holds when it is
// killed after a couple of seconds rather than a minute (the new owner of an embedded folder frees it at once).
await engram.backfill.stop();
const backfill = new BackfillRunner(engram.db.prisma, () => slow, { leaseMs: 2_000 });
const project = await createProject(
  { db: engram.db.prisma },
  ZCreateProjectInput.parse({ name: process.env.CHILD_PROJECT }),
);
const deps = { db: engram.db.prisma, projectId: project.id, embedder: slow, backfill };
await importJson(deps, {
  label: 'NOTE',
  data: Array.from({ length: Number(process.env.CHILD_RECORDS ?? 640) }, (_, i) => ({ text: `note number ${i}` })),
});
const ix = await createIndex(deps, { label: 'NOTE', propertyName: 'text' });
console.log(`index ${project.id} ${ix.id}`);
setInterval(async () => {
  const row = await engram.db.prisma.embeddingIndex.findUnique({
    where: { projectId_id: { projectId: project.id, id: ix.id } },
  });
  console.log(`progress ${row?.indexed} ${row?.total} ${row?.status}`);
}, 25);
