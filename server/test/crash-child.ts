// Child process for transactions/crash.int.test.ts: opens a cross-call transaction (or runs a long
// batch), writes, announces it, and waits to be killed with SIGKILL. Not part of the product.
import { readEnv } from '@/server/env';
import { startEngram } from '@/server/engram';
import { createFakeEmbedder } from '@/server/domain/embeddings';
import { createProject, ZCreateProjectInput } from '@/server/domain/projects';
import { createRecord } from '@/server/domain/records';
import { runBatch } from '@/server/domain/transactions';

const env = readEnv({
  DATABASE_URL: process.env.DATABASE_URL ?? '',
  ENGRAM_DATA_DIR: process.env.ENGRAM_DATA_DIR,
  ENGRAM_MASTER_KEY: 'crash-master-key-0123456789abcdef',
  ENGRAM_LOG_LEVEL: 'silent',
});
const engram = await startEngram({ env, quiet: true, embedder: createFakeEmbedder() });
const project = await createProject(
  { db: engram.db.prisma },
  ZCreateProjectInput.parse({ name: process.env.CHILD_PROJECT }),
);
console.log(`project ${project.id}`);
const owner = { projectId: project.id, principal: 'master' };
if (process.env.CHILD_MODE === 'tx') {
  const tx = await engram.transactions.begin(owner, 120_000);
  await engram.transactions.run(tx.id, owner, async (db) => {
    for (let i = 0; i < 50; i++) await createRecord({ db, projectId: project.id }, { label: 'HALF', data: { i } });
  });
  console.log('written');
  setInterval(() => {}, 1000);
} else {
  const ops = Array.from({ length: 1000 }, (_, i) => ({
    op: 'create' as const,
    label: 'HALF',
    data: { i, text: 'x'.repeat(200) },
  }));
  setTimeout(() => console.log('written'), 150);
  await runBatch({ db: engram.db.prisma, projectId: project.id }, { ops });
  console.log('finished');
}
