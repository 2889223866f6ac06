import type { BoroughId } from '../common/borough';
import { formatIsoWeek, isoWeekOf } from '../common/isoWeek';
import { toWallClock } from '../common/timezone';
import { table, type TablesOf } from '../store/tableDef';
import { IncidentIndexEntry, IncidentRow, IncidentSubmission, ReportDefaults } from './model';
import { ReferenceCounter } from './rules/referenceCounter';

/**
 * The incident slice's tables and the only place their keys are spelt.
 *
 * Incidents live in borough-week partitions ("stockport-2026-W48"): an incident, its history and the week's
 * marker share one, so a week of a borough is one range read (digests, hotspots). The week is the ISO week of
 * when it happened on the calendar of the deployment's one configured zone (TIME_ZONE, ctx.config.timeZone):
 * writers and readers must agree, so every key is made here, from that zone. Changing TIME_ZONE once incidents
 * are stored moves week boundaries (re-partition first).
 */

/** The Incidents partition of a borough's ISO week ("2026-W48"). */
export const weekPartition = (borough: BoroughId, isoWeek: string) => `${borough}-${isoWeek}`;

/** The Incidents partition of an incident: its borough and the ISO week of when it happened, in `timeZone`. */
export function incidentPartitionKey(borough: BoroughId, occurredAt: string | Date, timeZone: string): string {
  return weekPartition(borough, formatIsoWeek(isoWeekOf(toWallClock(occurredAt, timeZone).date)));
}

/** The partition keys from `since` to `until` for a borough, as one contiguous key range. */
export function partitionRange(borough: BoroughId, since: Date, until: Date, timeZone: string): { from: string; to: string } {
  return { from: incidentPartitionKey(borough, since, timeZone), to: incidentPartitionKey(borough, until, timeZone) };
}

/** `stockport-2026-W45` → borough and ISO week. */
export function splitIncidentPartition(partitionKey: string): { borough: string; week: string } {
  const m = /^(.+)-(\d{4}-W\d{2})$/.exec(partitionKey);
  if (!m) throw new RangeError(`not an incident partition: ${partitionKey}`);
  return { borough: m[1]!, week: m[2]! };
}

/** An incident's row is keyed by its reference; its history rows "<ref>|v000001"… sort right after it. */
export function historyRowKey(reference: string, version: number): string {
  return `${reference}|v${String(version).padStart(6, '0')}`;
}

/** The row keys of one incident and its history in its partition: "|" sorts after every character a reference ends with. */
export const incidentRowRange = (reference: string) => ({ from: reference, to: `${reference}|~` });
export const historyRowRange = (reference: string) => ({ from: `${reference}|`, to: `${reference}|~` });

/** The week's change marker's row: sorts after every reference ("~" is after "Z" and "|"), so range reads of one incident never see it. */
export const WEEK_MARK_KEY = '~mark';

export const incidentKeys = (partitionKey: string, reference: string) => ({ partitionKey, rowKey: reference });
export const indexKeys = (reference: string) => ({ partitionKey: reference, rowKey: 'i' });
export const submissionKeys = (submissionId: string) => ({ partitionKey: submissionId, rowKey: 's' });
/** One row per reporter: the choices of their last report, offered on the next. */
export const DEFAULTS_PARTITION = 'defaults';
export const reportDefaultsKeys = (aadObjectId: string) => ({ partitionKey: DEFAULTS_PARTITION, rowKey: aadObjectId });
export const counterKeys = (key: string) => ({ partitionKey: 'ref', rowKey: key });

/** The incident slice's table definitions, keyed in the configured zone (bot/tables.ts passes ctx.config.timeZone). */
export function incidentTables(timeZone: string) {
  return {
    incidents: table({
      name: 'Incidents',
      schema: IncidentRow,
      // An incident and its history share the borough-week partition: one range read shows both.
      keys: (r) =>
        r.kind === 'incident'
          ? { partitionKey: incidentPartitionKey(r.borough, r.occurredAt, timeZone), rowKey: r.reference }
          : r.kind === 'history'
            ? { partitionKey: r.partitionKey, rowKey: historyRowKey(r.reference, r.version) }
            : { partitionKey: r.partitionKey, rowKey: WEEK_MARK_KEY },
      columns: (r): Record<string, string | boolean> =>
        r.kind === 'incident'
          ? { kind: r.kind, reporterOrg: r.reporter.organisationId, category: r.category, risk: r.risk, reportedAt: r.reportedAt, anonymised: r.anonymisedAt !== undefined }
          : { kind: r.kind },
      retention: {
        holds: 'incidents and their history (free text, addresses, details, police and household references)',
        retention: 'the incident retention (the partnership file\'s incidentRetentionMonths, else INCIDENT_RETENTION_MONTHS, default 13) after reported; then anonymised (category, district, week, risk, counts kept for statistics)',
        enforcedBy: 'retention run (bot/incidents/retention.ts)',
      },
    }),
    incidentIndex: table({
      name: 'IncidentIndex',
      schema: IncidentIndexEntry,
      keys: (i) => indexKeys(i.reference),
      retention: { holds: 'reference → partition', retention: 'as long as the incident (no personal data)', enforcedBy: 'kept with the anonymised incident' },
    }),
    incidentSubmissions: table({
      name: 'IncidentSubmissions',
      schema: IncidentSubmission,
      keys: (s) => submissionKeys(s.submissionId),
      retention: {
        holds: 'card submission id → reference (so a resubmitted card stores nothing twice)',
        retention: 'as long as the incident (no personal data)',
        enforcedBy: 'kept with the anonymised incident',
      },
    }),
    reportDefaults: table({
      name: 'ReportDefaults',
      schema: ReportDefaults,
      keys: (d) => reportDefaultsKeys(d.aadObjectId),
      columns: (d) => ({ updatedAt: d.updatedAt }),
      retention: {
        holds: "a reporter's last report choices: borough, area, postcode district, sharing, marking (no free text about anyone)",
        retention: 'the incident retention after their last report; replaced at each report',
        enforcedBy: 'retention run (bot/incidents/retention.ts)',
      },
    }),
    counters: table({
      name: 'Counters',
      schema: ReferenceCounter,
      keys: (c) => counterKeys(c.key),
      retention: { holds: 'the last reference number per borough and year', retention: 'kept (no personal data)', enforcedBy: 'needed for gap-free numbering' },
    }),
  };
}

declare module '../store/store' {
  interface StoreTables extends TablesOf<ReturnType<typeof incidentTables>> {}
}
