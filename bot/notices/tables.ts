import { safeKey } from '../store/entityTable';
import { PrivateNotice } from './model';

/**
 * The notices slice's table and the only place its keys are spelt
 * (docs/storage.md). PrivateNotices: PK the recipient's Entra object id,
 * RK the notice id: "my notices" is one partition read, and keeping the
 * same notice twice is a create that finds the row already there.
 */
export const NOTICE_TABLES = {
  privateNotices: {
    suffix: 'PrivateNotices',
    schema: PrivateNotice,
    keys: (n: PrivateNotice) => ({ partitionKey: n.recipient, rowKey: safeKey(n.id) }),
    // Retention filters on when it was kept (and opened).
    columns: (n: PrivateNotice) => ({ keptAt: n.keptAt, openedAt: n.openedAt ?? '' }),
  },
} as const;
