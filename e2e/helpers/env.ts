/**
 * The fixed environment of the e2e server that playwright.config.ts starts. Specs import these
 * instead of repeating literals, so the config and the tests cannot disagree.
 */
/** 3100 unless E2E_PORT says otherwise (two runs on one machine need two ports). */
export const E2E_PORT = Number(process.env.E2E_PORT || 3100);
export const E2E_HOST = '127.0.0.1';
export const E2E_BASE_URL = `http://${E2E_HOST}:${E2E_PORT}`;

/** The master key the e2e server runs with (ENGRAM_MASTER_KEY needs at least 24 characters). */
export const E2E_MASTER_KEY = 'e2e-master-key-0123456789abcdef';

/** Set when the e2e server runs on PostgreSQL instead of embedded PGlite. */
export const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL || undefined;
export const E2E_DATABASE_KIND: 'embedded' | 'postgres' = E2E_DATABASE_URL ? 'postgres' : 'embedded';
