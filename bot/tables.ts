import { AUDIT_TABLES } from './audit/tables';
import { NOTICE_TABLES } from './notices/tables';
import { PARTNER_TABLES } from './partners/tables';
import { USER_VIEW_TABLES } from './userViews/tables';
import { CHANNEL_TABLES } from './channels/tables';
import { CONVERSATION_TABLES } from './conversation/tables';
import { DIGEST_TABLES } from './digests/tables';
import { DIRECTORY_TABLES } from './directory/tables';
import { ALERT_TABLES } from './alerts/tables';
import { incidentTables } from './incidents/tables';
import { OPERATION_TABLES } from './operations/tables';
import { OUTBOX_TABLES } from './outbox/tables';
import { PRIORITY_TABLES } from './priorities/tables';
import { SEARCH_TABLES } from './search/tables';
import type { StoreTables } from './store/store';
import { WARNING_TABLES } from './warnings/tables';

/**
 * The composition root of storage: every table the app opens, gathered from the slices' tables.ts
 * (docs/storage.md explains which query each key serves). bot/store/ knows no feature; runtime.ts opens these.
 */

/** Settings a table's keys depend on: the configured time zone decides which week partition an incident is in. */
export interface TableSettings {
  timeZone: string;
}

/** Every table the app opens, for the deployment's settings: `openStore(connection, prefix, appTables(config))`. */
export function appTables(settings: TableSettings) {
  return {
    ...OUTBOX_TABLES,
    ...AUDIT_TABLES,
    ...NOTICE_TABLES,
    ...USER_VIEW_TABLES,
    ...CONVERSATION_TABLES,
    ...WARNING_TABLES,
    ...DIGEST_TABLES,
    ...SEARCH_TABLES,
    ...OPERATION_TABLES,
    ...ALERT_TABLES,
    ...PRIORITY_TABLES,
    ...CHANNEL_TABLES,
    ...PARTNER_TABLES,
    ...DIRECTORY_TABLES,
    ...incidentTables(settings.timeZone),
  };
}

type AppTables = ReturnType<typeof appTables>;
// Every table a slice declares (StoreTables) is opened, and nothing is opened that no slice declares.
type EveryDeclaredTableIsOpened = { [K in keyof StoreTables]: K extends keyof AppTables ? true : never };
type EveryOpenedTableIsDeclared = { [K in keyof AppTables]: K extends keyof StoreTables ? true : never };
export const TABLES_AGREE: [EveryDeclaredTableIsOpened, EveryOpenedTableIsDeclared] extends [Record<keyof StoreTables, true>, Record<keyof AppTables, true>] ? true : never = true;
