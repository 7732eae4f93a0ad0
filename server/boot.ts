import { DataDirLockedError, ExtensionVersionError, MigrationError } from './db';
import { getEngram, shutdownEngram } from './engram';
import { publishHttp } from './http/entry';
import { handlers } from './http/handlers';
import { log } from './log';

/**
 * Called once per server process from instrumentation.ts: opens the database before the first request,
 * so a locked data folder or a failing migration stops the server at start with the reason, and
 * publishes the HTTP entry points the route files delegate to.
 */
export async function bootServer(): Promise<void> {
  const g = globalThis as unknown as Record<symbol, unknown>;
  g[Symbol.for('engram.shutdown')] = shutdownEngram;
  try {
    await getEngram();
    // Route files delegate to these: every request runs in this module graph (see server/http/entry.ts).
    publishHttp(handlers);
  } catch (e) {
    if (e instanceof DataDirLockedError || e instanceof MigrationError || e instanceof ExtensionVersionError) {
      log.error(e.message);
    } else {
      log.error('failed to start', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
    process.exit(1);
  }
  // Under `next dev` or a plain `next start` there is no scripts/serve.mjs to close the database.
  if (!process.env.ENGRAM_SERVE) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        void shutdownEngram().finally(() => process.exit(0));
      });
    }
  }
}
