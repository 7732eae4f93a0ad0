import { test } from '@playwright/test';
import { scenarios } from '../../sdk/test/scenarios';
import { sdkContext } from '../helpers/sdk';

/**
 * The TypeScript SDK against the production server over HTTP (this run's backend): every namespace, every
 * error code, paging and retries. The same scenarios run in-process in sdk/test/embedded.int.test.ts; the
 * ones that hold a transaction open run serially (serial/sdk-tx.spec.ts).
 */
test.describe('SDK over HTTP', () => {
  test.describe.configure({ timeout: 90_000 });
  for (const [name, run] of Object.entries(scenarios)) test(name, async () => run(await sdkContext('sdk')));
});
