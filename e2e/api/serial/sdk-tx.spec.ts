import { test } from '@playwright/test';
import { postgresTxScenarios, txScenarios } from '../../../sdk/test/scenarios';
import { E2E_DATABASE_KIND } from '../../helpers/env';
import { sdkContext } from '../../helpers/sdk';

/** SDK transactions over HTTP: serial, because on the embedded database an open transaction holds the one connection. */
test.describe('SDK transactions over HTTP', () => {
  test.describe.configure({ timeout: 90_000 });
  for (const [name, run] of Object.entries(txScenarios)) test(name, async () => run(await sdkContext('sdk-tx')));
  for (const [name, run] of Object.entries(postgresTxScenarios))
    test(name, async () => {
      test.skip(
        E2E_DATABASE_KIND !== 'postgres',
        'PostgreSQL only: embedded transactions take turns on one connection',
      );
      await run(await sdkContext('sdk-tx'));
    });
});
