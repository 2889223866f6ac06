import { randomBytes } from 'node:crypto';
import { openStore, type Store } from '../../bot/store/store';
import { appTables } from '../../bot/tables';
import { DEFAULT_TIME_ZONE } from '../../bot/kernel/config';

/** A store on the run's Azurite with tables of its own, so test files never share rows. */
export async function freshStore(): Promise<{ store: Store; connectionString: string; prefix: string }> {
  const connectionString = process.env.TEST_STORAGE_CONNECTION;
  if (!connectionString) throw new Error('TEST_STORAGE_CONNECTION is not set: run tests through vitest (test/globalSetup.ts starts Azurite)');
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const store = openStore({ connectionString }, prefix, appTables({ timeZone: DEFAULT_TIME_ZONE }));
  await store.ensureTables();
  return { store, connectionString, prefix };
}
