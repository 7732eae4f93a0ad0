// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database in
// ENGRAM_DATA_DIR (taking its lock, so it refuses to run beside a live server), then exits.
import { readEnv } from '../server/env';
import { openDriver, runMigrations, readMigrations, MigrationError, DataDirLockedError } from '../server/db';

const env = readEnv();
try {
  const driver = await openDriver({
    url: env.DATABASE_URL,
    dataDir: env.dataDir,
    statementTimeoutMs: env.ENGRAM_STATEMENT_TIMEOUT_MS,
  });
  try {
    const status = await runMigrations(driver, readMigrations());
    console.log(
      `[engram] ${driver.kind} database: ${status.applied.length} migration(s) applied` +
        (status.ranNow.length > 0 ? `, ran now: ${status.ranNow.join(', ')}` : ', nothing pending'),
    );
  } finally {
    await driver.close();
  }
} catch (e) {
  if (e instanceof MigrationError || e instanceof DataDirLockedError) console.error(`[engram] ${e.message}`);
  else console.error(e);
  process.exit(1);
}
