import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { E2E_BASE_URL, E2E_DATABASE_URL, E2E_HOST, E2E_MASTER_KEY, E2E_PORT } from './e2e/helpers/env';

/**
 * e2e against the production build, started once for the whole run on a fresh data folder.
 * Projects: `api` (wire contract over HTTP, no browser) and `ui` (pages, Debian's chromium; Playwright's
 * own browser downloads are never used). With E2E_DATABASE_URL set the server runs on that PostgreSQL
 * database instead of embedded PGlite.
 */
const isCI = Boolean(process.env.CI);

// This file is evaluated again in every worker; keep the folder the main process chose.
process.env.E2E_DATA_DIR ??= path.join('.tmp', `e2e-data-${process.pid}`);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  forbidOnly: isCI,
  retries: 0,
  // Two cores: the server and one or two test workers.
  workers: 2,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: 'list',
  use: {
    baseURL: E2E_BASE_URL,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'api',
      testDir: 'e2e/api',
      testIgnore: 'serial/**',
      fullyParallel: true,
    },
    {
      name: 'ui',
      testDir: 'e2e/ui',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
      },
    },
    {
      // Tests that hold a transaction open on purpose: on the embedded database it holds the only
      // connection, so they run after everything else, one at a time.
      name: 'api-serial',
      testDir: 'e2e/api/serial',
      dependencies: ['api', 'ui'],
      workers: 1,
    },
  ],
  webServer: {
    // serve-e2e.mjs empties the data folder, runs scripts/serve.mjs (which runs `next build` once when
    // there is no build yet) and removes the folder when the server stops.
    command: 'node e2e/helpers/serve-e2e.mjs',
    url: `${E2E_BASE_URL}/api/health`,
    // Long enough for a first `next build` on two cores plus migrations.
    timeout: 300_000,
    reuseExistingServer: !isCI,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(E2E_PORT),
      HOSTNAME: E2E_HOST,
      ENGRAM_MASTER_KEY: E2E_MASTER_KEY,
      ENGRAM_DATA_DIR: process.env.E2E_DATA_DIR,
      // Suggestions are analyzed on demand only: a background pass 10 s after a spec's writes would
      // re-rank the rules a page is showing mid-test. Integration tests and the stress suite cover it.
      ENGRAM_SUGGEST_DEBOUNCE_MS: '0',
      NEXT_TELEMETRY_DISABLED: '1',
      // Playwright passes its own environment on; an empty DATABASE_URL keeps a caller's (for example
      // the integration tier's) from switching the server to PostgreSQL unasked.
      DATABASE_URL: E2E_DATABASE_URL ?? '',
    },
  },
});
