import { z } from 'zod';
import { lazySchema } from './lazySchema';

/** Protective marking under the Government Security Classifications. */
export const ProtectiveMarking = lazySchema(() => z.enum(['OFFICIAL', 'OFFICIAL-SENSITIVE']));
export type ProtectiveMarking = z.infer<typeof ProtectiveMarking>;

/** An instant, stored and exchanged as an ISO 8601 UTC string. */
export const Instant = lazySchema(() => z.string().datetime({ offset: false, message: 'an ISO 8601 UTC time such as 2026-11-25T09:30:00Z' }));
export type Instant = z.infer<typeof Instant>;

/** A calendar date, YYYY-MM-DD. */
export const CalendarDate = lazySchema(() => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-11-25'));

/** Outward code of a UK postcode (the district, e.g. SK8, M14, WN1): never the full postcode. */
/** A stored postcode district (the loose shape rows were written with: rows from before the strict rule still load). */
export const PostcodeDistrict = lazySchema(() => z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{1,2}[0-9][0-9A-Z]?$/, 'the first half of a postcode, such as SK8 or M14'));

/**
 * A postcode district as typed, by the UK outward-code formats: A9, A99,
 * AA9, AA99, and the lettered London districts A9A (E, N, W only) and AA9A
 * (EC, NW, SE, SW, WC only), with the letters each position may hold. So
 * "SK5Q" is refused: no district outside central London ends in a letter.
 */
export const OUTWARD_CODE = /^(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[ENW][0-9][A-HJKPSTUW]|(?:EC|NW|SE|SW|WC)[0-9][ABEHMNPRVWXY])$/;
export const PostcodeDistrictInput = lazySchema(() => PostcodeDistrict.pipe(z.string().regex(OUTWARD_CODE, 'Not a postcode district: enter the first half of the postcode, such as SK8 or M14')));

export const RiskLevel = lazySchema(() => z.enum(['standard', 'medium', 'high']));
export type RiskLevel = z.infer<typeof RiskLevel>;

export const Id = lazySchema(() => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'an identifier of letters, digits, - and _'));
