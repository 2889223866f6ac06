import { TableClient, TableServiceClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { azureCredential } from './credential';
import { EntityTable } from './entityTable';
import { StoreUnavailableError } from './errors';
import { ShardedTable } from './shardedTable';
import type { AnyTableDef, TablesOf } from './tableDef';

export type StorageConnection = { connectionString: string } | { accountUrl: string; credential?: TokenCredential };

/**
 * Every table the app opens, by name. Empty here: each slice's tables.ts adds its own
 * (`declare module '../store/store' { interface StoreTables extends TablesOf<typeof X_TABLES> {} }`), and the
 * composition root (bot/tables.ts) opens exactly those. The store itself knows no feature.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface StoreTables {}

export interface StoreOperations {
  /** Creates any missing table. Idempotent. */
  ensureTables(): Promise<void>;
  /** A cheap round trip that proves the storage account answers. */
  ping(timeoutMs?: number): Promise<void>;
}

/** What AppContext carries: the app's tables and the two store-wide operations. */
export type Store = StoreTables & StoreOperations;

/** Opens a set of table definitions over any client factory (tests pass a fake one to read names). */
export function openTables<D extends Record<string, AnyTableDef>>(defs: D, client: (table: string) => TableClient, prefix: string): TablesOf<D> {
  const open = (def: AnyTableDef, name: string) =>
    new EntityTable(() => client(`${prefix}${name}`), { name: `${prefix}${name}`, schema: def.schema, keys: def.keys, columns: def.columns });
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(defs)) {
    out[key] =
      'shards' in def
        ? new ShardedTable(Array.from({ length: def.shards }, (_, i) => open(def, `${def.name}${String(i).padStart(2, '0')}`)))
        : open(def, def.name);
  }
  return out as unknown as TablesOf<D>;
}

export function openStore<D extends Record<string, AnyTableDef>>(connection: StorageConnection, prefix: string, defs: D): TablesOf<D> & StoreOperations {
  const options = { allowInsecureConnection: 'connectionString' in connection && /http:\/\//.test(connection.connectionString) };
  let makeClient: (t: string) => TableClient;
  let makeService: () => TableServiceClient;
  if ('connectionString' in connection) {
    makeClient = (t) => TableClient.fromConnectionString(connection.connectionString, t, options);
    makeService = () => TableServiceClient.fromConnectionString(connection.connectionString, options);
  } else {
    const credential = connection.credential ?? azureCredential();
    makeClient = (t) => new TableClient(connection.accountUrl, t, credential);
    makeService = () => new TableServiceClient(connection.accountUrl, credential);
  }
  let service: TableServiceClient | undefined;
  const tables = openTables(defs, makeClient, prefix);
  return {
    ...tables,
    async ensureTables() {
      await Promise.all(Object.values(tables as Record<string, { ensureExists(): Promise<void> }>).map((t) => t.ensureExists()));
    },
    async ping(timeoutMs = 2000) {
      const abort = AbortSignal.timeout(timeoutMs);
      try {
        const pages = (service ??= makeService()).listTables({ abortSignal: abort }).byPage({ maxPageSize: 1 });
        await pages.next();
      } catch (err) {
        throw new StoreUnavailableError(err);
      }
    },
  };
}
