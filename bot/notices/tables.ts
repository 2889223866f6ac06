import { safeKey } from '../store/entityTable';
import { table, type TablesOf } from '../store/tableDef';
import { PrivateNotice } from './model';

/**
 * The notices slice's table and the only place its keys are spelt
 * (docs/storage.md). PrivateNotices: PK the recipient's Entra object id,
 * RK the notice id: "my notices" is one partition read, and keeping the
 * same notice twice is a create that finds the row already there.
 */
export const NOTICE_TABLES = {
  privateNotices: table({
    name: 'PrivateNotices',
    schema: PrivateNotice,
    keys: (n) => ({ partitionKey: n.recipient, rowKey: safeKey(n.id) }),
    // Retention filters on when it was kept (and opened).
    columns: (n) => ({ keptAt: n.keptAt, openedAt: n.openedAt ?? '' }),
    retention: {
      holds: 'private notices kept for people with no personal chat with Concordat: the repeat-complaint warning or reminder card (references, dates, organisations, operation name and area; no names or addresses), the recipient\'s Entra id, when kept and opened',
      retention: '7 days after first opened; 30 days after kept if never opened',
      enforcedBy: 'retention run (bot/notices/repository.ts purgeExpiredNotices); a notice its recipient may no longer see is deleted when they next list or open their notices',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof NOTICE_TABLES> {}
}
