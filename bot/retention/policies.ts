import type { AnyTableDef, RetentionPolicy } from '../store/tableDef';

/**
 * How long every table's rows are kept, and what enforces it. Each table's policy sits on its definition (the
 * `retention` of a slice's tables.ts entry; a table cannot be declared without one), and the app's tables are
 * gathered in bot/tables.ts APP_TABLES. This lists them by Azure table name: the list docs/storage.md "Retention"
 * is checked against (test/retention.test.ts fails when the document misses a table).
 *
 * `enforcedBy` names the code that deletes or anonymises (most of it the nightly run, bot/retention/run.ts); rows
 * that hold no personal data and must live as long as what they index say so.
 */
export type { RetentionPolicy };

export function retentionPolicies(tables: Record<string, AnyTableDef>): { key: string; table: string; policy: RetentionPolicy }[] {
  return Object.entries(tables).map(([key, def]) => ({ key, table: def.name, policy: def.retention }));
}
