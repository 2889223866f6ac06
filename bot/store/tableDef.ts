import type { z } from 'zod';
import type { EntityTable, IndexColumns, Keys } from './entityTable';
import type { ShardedTable } from './shardedTable';

/**
 * How long a table's rows are kept and what enforces it. Every table definition carries one, so a table cannot be
 * added without saying; docs/storage.md "Retention" lists the same (test/retention.test.ts checks both).
 */
export interface RetentionPolicy {
  holds: string;
  retention: string;
  /** The code that deletes or anonymises; rows that hold no personal data and live as long as what they index say so. */
  enforcedBy: string;
}

/**
 * One table as a slice declares it in its tables.ts: the only place its keys are spelt. The store opens it knowing
 * nothing else about the feature (bot/store/store.ts openStore).
 */
export interface TableDef<S extends z.ZodTypeAny> {
  /** The Azure table's name after the deployment's prefix; docs/storage.md names tables by it. */
  name: string;
  schema: S;
  keys: (value: z.output<S>) => Keys;
  /** Columns copied out of the JSON so that the service can filter on them. */
  columns?: (value: z.output<S>) => IndexColumns;
  retention: RetentionPolicy;
}

/** A table spread over `shards` Azure tables by partition key (see ShardedTable for why). Fixed once data exists. */
export interface ShardedTableDef<S extends z.ZodTypeAny> extends TableDef<S> {
  shards: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTableDef = TableDef<any> | ShardedTableDef<any>;

/** Declares a table (an identity function: it lets TypeScript infer the schema from `schema`). */
export function table<S extends z.ZodTypeAny>(def: TableDef<S>): TableDef<S> {
  return def;
}

export function shardedTable<S extends z.ZodTypeAny>(def: ShardedTableDef<S>): ShardedTableDef<S> {
  return def;
}

export type TableOf<D> = D extends ShardedTableDef<infer S> ? ShardedTable<S> : D extends TableDef<infer S> ? EntityTable<S> : never;

/** The opened tables of a set of definitions: `{ audit: EntityTable<typeof AuditRow> }` for `{ audit: table({...}) }`. */
export type TablesOf<D> = { [K in keyof D]: TableOf<D[K]> };
