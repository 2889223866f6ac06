import { z } from 'zod';

/** Protective marking under the Government Security Classifications. */
export const ProtectiveMarking = z.enum(['OFFICIAL', 'OFFICIAL-SENSITIVE']);
export type ProtectiveMarking = z.infer<typeof ProtectiveMarking>;

/** An instant, stored and exchanged as an ISO 8601 UTC string. */
export const Instant = z.string().datetime({ offset: false, message: 'an ISO 8601 UTC time such as 2026-11-25T09:30:00Z' });
export type Instant = z.infer<typeof Instant>;

/** A calendar date, YYYY-MM-DD. */
export const CalendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-11-25');

/** Outward code of a UK postcode (the district, e.g. SK8, M14, WN1): never the full postcode. */
export const PostcodeDistrict = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{1,2}[0-9][0-9A-Z]?$/, 'the first half of a postcode, such as SK8 or M14');

export const RiskLevel = z.enum(['standard', 'medium', 'high']);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'an identifier of letters, digits, - and _');
