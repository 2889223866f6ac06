import { startAzurite, type AzuriteHandle } from '../scripts/azurite';

/**
 * One in-memory Azurite for the whole run; each test file uses its own
 * table prefix so files do not see each other's rows.
 */
let azurite: AzuriteHandle | undefined;

export async function setup(): Promise<void> {
  azurite = await startAzurite();
  process.env.TEST_STORAGE_CONNECTION = azurite.connectionString;
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}
