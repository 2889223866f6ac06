import { stableId } from '../common/stableId';
import { table, type TablesOf } from '../store/tableDef';
import { ComplaintIndexEntry, HotspotWarning } from './model';

/** The early-warning slice's tables and the only place their keys are spelt; touched only by bot/warnings/repository.ts. */

/** Row key: window start first, so "warnings of the last N days in a borough" is one range read. */
export function warningRowKey(w: Pick<HotspotWarning, 'windowStart' | 'ruleId' | 'postcodeDistrict' | 'areaKey'>): string {
  return `${w.windowStart}|${w.ruleId}|${w.postcodeDistrict}|${stableId('a', w.areaKey).slice(2)}`;
}

/** A household's complaints: its keyed hash is the partition, "<occurredAt>|<reference>" the row, so they sort in time. */
export const complaintRowKey = (occurredAt: string, reference: string) => `${occurredAt}|${reference}`;

export const WARNING_TABLES = {
  warnings: table({
    name: 'Warnings',
    schema: HotspotWarning,
    // Created once per place, rule and window: a second create of the key fails, so concurrent detectors raise one.
    keys: (w) => ({ partitionKey: w.borough, rowKey: warningRowKey(w) }),
    columns: (w) => ({ ruleId: w.ruleId, status: w.status, raisedAt: w.raisedAt }),
    retention: { holds: 'hotspot warnings: borough, district, area name, counts, window', retention: 'the incident retention after raised', enforcedBy: 'retention run' },
  }),
  complaintIndex: table({
    name: 'ComplaintIndex',
    schema: ComplaintIndexEntry,
    // The keyed hash of a household reference: its complaints are one partition read, in time order.
    keys: (c) => ({ partitionKey: c.hash, rowKey: complaintRowKey(c.occurredAt, c.reference) }),
    retention: {
      holds: 'keyed hashes of household/complainant references → incident',
      retention: 'the incident retention after the incident happened (matching needs 6 months)',
      enforcedBy: 'retention run',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof WARNING_TABLES> {}
}
