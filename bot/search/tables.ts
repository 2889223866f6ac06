import { safeKey } from '../store/entityTable';
import { shardedTable, table, type TablesOf } from '../store/tableDef';
import { AccessAsks, AccessRequest, FinderMark, FinderRow } from './model';
import { finderRowKey } from './rules/keys';

/** The search slice's tables and the only place their keys are spelt; touched only by bot/search/repository.ts. */

/** Tables the IncidentFinder index is spread over. Fixed: changing it moves partitions (re-index first). */
export const FINDER_SHARDS = 32;

export const accessRequestKeys = (ownerOrg: string, id: string) => ({ partitionKey: ownerOrg, rowKey: id });
/** One row per requester. */
export const accessAsksKeys = (requester: string) => ({ partitionKey: requester, rowKey: 'asks' });
export const finderMarkKeys = (name: FinderMark['name']) => ({ partitionKey: 'mark', rowKey: name });

export const SEARCH_TABLES = {
  // One partition per way of finding an incident, newest first (bot/search/rules/keys.ts): every list and search is one
  // range read of one partition. Spread over FINDER_SHARDS tables by partition key (see ShardedTable for why).
  incidentFinder: shardedTable({
    name: 'IncidentFinder',
    shards: FINDER_SHARDS,
    schema: FinderRow,
    keys: (r) => ({ partitionKey: safeKey(r.key), rowKey: finderRowKey(r) }),
    columns: (r) => ({ borough: r.borough, category: r.category, postcodeDistrict: r.postcodeDistrict, reporterOrg: r.reporterOrg }),
    retention: {
      holds: 'list and search index rows: reference, category, area, district, borough, times, risk, reporting and sharing organisations (no summary, names or address)',
      retention: 'as long as the incident; anonymisation removes the area words (alone and within the district) and police reference rows and clears the area',
      enforcedBy: 're-indexed by every incident write, the retention run included (bot/incidents/repository/reindex.ts reindexIncident, called before anonymising)',
    },
  }),
  finderMarks: table({
    name: 'FinderMarks',
    schema: FinderMark,
    keys: (m) => finderMarkKeys(m.name),
    retention: {
      holds: 'which one-off passes over the search index have finished: a name, a time and a count (no personal data)',
      retention: 'kept: one row per pass, written once',
      enforcedBy: 'nothing to expire (bounded by the number of passes ever made)',
    },
  }),
  accessRequests: table({
    name: 'AccessRequests',
    schema: AccessRequest,
    // The owning organisation's requests: what its approvers decide.
    keys: (a) => accessRequestKeys(a.ownerOrg, a.id),
    columns: (a) => ({ status: a.status }),
    retention: {
      holds: "requests to see another organisation's incidents: requester (Entra id, name, organisation), what was searched, references, decision and approver",
      retention: 'the incident retention after the request',
      enforcedBy: 'retention run (bot/search/repository.ts purgeAccessRequestsBefore)',
    },
  }),
  accessAsks: table({
    name: 'AccessAsks',
    schema: AccessAsks,
    keys: (a) => accessAsksKeys(a.requester),
    // For the retention run: which rows nothing waits on, and since when.
    columns: (a) => ({ waiting: a.asks.some((x) => x.pending), updatedAt: a.updatedAt }),
    retention: {
      holds: "a requester's Entra id and their recent and waiting access requests: request ids, owning organisations, times (no names, nothing searched)",
      retention: 'a day after their last request once none is waiting; a waiting one keeps it until decided, or at most the incident retention',
      enforcedBy: 'retention run (bot/search/repository.ts forgetIdleRequesters); each new request also drops what is a day old and decided',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof SEARCH_TABLES> {}
}
