import { safeKey } from '../store/entityTable';
import { table, type TablesOf } from '../store/tableDef';
import { PartnerRequest } from './model';

/**
 * The partners slice's table and the only place its keys are spelt. One partition per partner system; the row
 * key is `sig.<signature>` (a signature seen once: replays refused) or `key.<idempotency key>` (the answer given).
 * Touched only by bot/partners/repository.ts.
 */
export const partnerRequestKeys = (r: Pick<PartnerRequest, 'partnerId' | 'key'>) => ({ partitionKey: safeKey(r.partnerId), rowKey: safeKey(r.key) });

export const PARTNER_TABLES = {
  partnerRequests: table({
    name: 'PartnerRequests',
    schema: PartnerRequest,
    keys: partnerRequestKeys,
    retention: {
      holds: 'idempotency records of partner API requests (key, body hash, the answer given)',
      retention: 'PARTNER_REQUEST_RETENTION_DAYS, default 30, after the request',
      enforcedBy: 'retention run (bot/partners/repository.ts deletePartnerRequestsBefore)',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof PARTNER_TABLES> {}
}
