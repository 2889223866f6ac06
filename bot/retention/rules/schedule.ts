/**
 * The retention schedule for incident records. Pure.
 *
 * Past the retention period (13 months from when it was reported, unless
 * configured otherwise) an incident is anonymised, not deleted: its free
 * text and anything that could identify a person or a home is cleared,
 * while category, borough, postcode district, week, risk, counts and
 * actions stay for statistics and trends.
 */
export const DEFAULT_RETENTION_MONTHS = 13;

/** Reports made before this instant are past retention. Calendar months, clamped at month ends (31 Dec − 13 months = 30 Nov). */
export function retentionCutoff(now: Date, months: number): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() - months;
  const target = new Date(Date.UTC(y, m, 1, now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds(), now.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(now.getUTCDate(), lastDay));
  return target;
}

export function isPastRetention(reportedAt: string, now: Date, months: number): boolean {
  return Date.parse(reportedAt) < retentionCutoff(now, months).getTime();
}

interface ErasableIncident {
  area: string;
  summary: string;
  policeReference?: string;
  restricted: { fullAddress?: string; details?: string; householdReference?: string };
  anonymisedAt?: string;
}

/** The incident with its identifying free text cleared, and the names (never the values) of what was cleared. */
export function anonymiseIncident<T extends ErasableIncident>(incident: T, now: Date): { value: T; erased: string[] } {
  const erased = [
    incident.summary && 'summary',
    incident.area && 'area',
    incident.policeReference && 'police reference',
    incident.restricted.fullAddress && 'full address',
    incident.restricted.details && 'details',
    incident.restricted.householdReference && 'household reference',
  ].filter((x): x is string => !!x);
  const { policeReference: _dropped, ...rest } = incident;
  return { value: { ...rest, summary: '', area: '', restricted: {}, anonymisedAt: now.toISOString() } as T, erased };
}

interface ErasableHistory {
  note?: string;
  changes: { field: string; from?: string; to?: string }[];
}

/** A history entry keeps who, when and which fields changed; the old and new values and any note go. */
export function anonymiseHistoryEntry<T extends ErasableHistory>(entry: T): { value: T; erased: boolean } {
  const hadContent = entry.note !== undefined || entry.changes.some((c) => c.from !== undefined || c.to !== undefined);
  const { note: _note, ...rest } = entry;
  return { value: { ...rest, changes: entry.changes.map((c) => ({ field: c.field })) } as T, erased: hadContent };
}
