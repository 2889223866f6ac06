import type { IncidentRecord } from '../../incidents/model';
import type { FinderRow } from '../model';

/**
 * The keys of the IncidentFinder table: one partition per way of finding an
 * incident, row keys newest first, so every list and search is one range
 * read of one partition, read a page at a time. Pure.
 */

/** Sorts newest first: 13 digits of (max - epoch ms). */
export function newestFirst(iso: string): string {
  return String(9_999_999_999_999 - Date.parse(iso)).padStart(13, '0');
}

/** Words that name no place on their own ("road", "the"): not indexed, not searched for. */
const GENERIC = new Set(['the', 'and', 'road', 'street', 'lane', 'avenue', 'close', 'drive', 'way', 'estate', 'court', 'house', 'flats', 'near', 'off', 'outside', 'rear', 'side']);

/** The searchable words of an area, street or estate: letters and digits, 3+ characters, generic words left out; at most 6. */
export function placeWords(text: string): string[] {
  const words = text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && w.length <= 30 && !GENERIC.has(w));
  return [...new Set(words)].slice(0, 6);
}

/** The prefix of place-word-within-district partitions. */
export const WORD_IN_DISTRICT = 'wd|';

export const finderKey = {
  /** An organisation's own reports, by when reported: the `incidents` list. */
  reportedBy: (org: string) => `org|${org}`,
  district: (district: string) => `pc|${district.toUpperCase()}`,
  word: (word: string) => `w|${word}`,
  /** A place word within one postcode district ("Brinnington SK5"): the search for both is one partition, not a filtered word partition. */
  wordInDistrict: (word: string, district: string) => `${WORD_IN_DISTRICT}${word}|${district.toUpperCase()}`,
  /** A police reference in its normal form (domain/policeReference.ts); `/` is not allowed in keys. */
  police: (normalised: string) => `pol|${normalised.replace(/\//g, '.').replace(/\s+/g, '_')}`,
};

/**
 * The row key under `key`: reported time for an organisation's list, occurrence time for searches, newest
 * first; at the same instant the higher reference first (its digits inverted: STO-2026-000123 → STO-7973-999876).
 */
export function finderRowKey(row: Pick<FinderRow, 'key' | 'reference' | 'reportedAt' | 'occurredAt'>): string {
  const reference = row.reference.replace(/\d/g, (d) => String(9 - Number(d)));
  return `${newestFirst(row.key.startsWith('org|') ? row.reportedAt : row.occurredAt)}|${reference}`;
}

/**
 * Every finder row an incident has: one per way of finding it (its organisation's list, its district, each place
 * word, each place word within its district, its police reference). An anonymised incident keeps only its
 * organisation's list and district (its area is cleared, so its place words go, alone and with the district).
 */
export function finderRowsOf(r: IncidentRecord): FinderRow[] {
  const keys = [
    finderKey.reportedBy(r.reporter.organisationId),
    finderKey.district(r.postcodeDistrict),
    ...placeWords(r.area).map(finderKey.word),
    ...placeWords(r.area).map((w) => finderKey.wordInDistrict(w, r.postcodeDistrict)),
    ...(r.policeReference ? [finderKey.police(r.policeReference)] : []),
  ];
  return [...new Set(keys)].map((key) => ({
    key,
    reference: r.reference,
    borough: r.borough,
    category: r.category,
    area: r.area,
    postcodeDistrict: r.postcodeDistrict,
    occurredAt: r.occurredAt,
    reportedAt: r.reportedAt,
    risk: r.risk,
    reporterOrg: r.reporter.organisationId,
    sharedWith: r.sharedWith,
    anonymised: r.anonymisedAt !== undefined,
  }));
}

/** The instants newestFirst can key (13 digits): from the epoch to the year 2286. */
const KEYABLE_MS = 9_999_999_999_999;

/**
 * "PartitionKey eq key, newest first, from `since` to `until`" as a row-key range (both ends optional). An end
 * outside what a row key can hold (before 1970, after 2286) is no bound at all, not a key of the wrong length: a
 * 14-digit `since` would sort before every row and leave "since 1900" finding nothing.
 */
export function timeRange(since?: Date, until?: Date): { from?: string; to?: string } {
  const keyable = (d?: Date) => d !== undefined && d.getTime() >= 0 && d.getTime() <= KEYABLE_MS;
  if (!keyable(since)) since = since && since.getTime() > KEYABLE_MS ? new Date(KEYABLE_MS) : undefined;
  if (!keyable(until)) until = until && until.getTime() < 0 ? new Date(0) : undefined;
  return {
    // Newest first: a later `until` is a smaller key; everything at `until` itself and earlier comes after it.
    ...(until ? { from: newestFirst(until.toISOString()) } : {}),
    ...(since ? { to: `${newestFirst(since.toISOString())}|~` } : {}),
  };
}
