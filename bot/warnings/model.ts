import { z } from 'zod';
import { BoroughId } from '../common/borough';
import { CalendarDate, Instant } from '../common/common';
import { IncidentReference } from '../incidents/rules/incident';
import { IncidentCategory } from '../common/taxonomy';
import { ThemeId } from '../common/theme';
import { stableId } from '../common/stableId';
import { lazySchema } from '../common/lazySchema';

/**
 * The stored shapes of early warnings (docs/storage.md "Early warnings").
 *
 * HotspotWarning: one row per place, rule and window, created once (a second
 * create of the same key fails), so concurrent detectors raise one warning.
 * ComplaintIndexEntry: one row per complaint with a household reference,
 * keyed by the reference's keyed hash; never the reference in clear.
 */
export const HotspotWarning = lazySchema(() => z.object({
  id: z.string().regex(/^hs-[A-Za-z0-9]{16}$/),
  ruleId: z.string().min(1).max(30),
  ruleLabel: z.string().min(1).max(60),
  themeId: ThemeId,
  borough: BoroughId,
  postcodeDistrict: z.string().min(2).max(4),
  /** Normalised place (domain/hotspots.ts areaKey), and the spelling shown. */
  areaKey: z.string().min(1).max(80),
  area: z.string().min(1).max(80),
  windowStart: CalendarDate,
  windowDays: z.number().int().min(1).max(90),
  threshold: z.number().int().min(2),
  /** Incidents in the rolling window when it was raised. */
  count: z.number().int().min(1),
  categories: z.array(IncidentCategory).min(1),
  incidents: z.array(z.object({ reference: IncidentReference, occurredAt: Instant })).max(500),
  raisedAt: Instant,
  /** pending: claimed by a detector, channel cards not yet in the outbox; posted: they are. */
  status: z.enum(['pending', 'posted']),
  channels: z.number().int().min(0).default(0),
}));
export type HotspotWarning = z.infer<typeof HotspotWarning>;

export function warningId(borough: string, rowKey: string): string {
  return stableId('hs', borough, rowKey);
}

export const ComplaintIndexEntry = lazySchema(() => z.object({
  /** HMAC-SHA256 of the normalised reference (domain/complaintReference.ts). */
  hash: z.string().regex(/^[a-f0-9]{64}$/),
  reference: IncidentReference,
  occurredAt: Instant,
  /** The incident's partition, so it is one point read. */
  partitionKey: z.string().min(1),
  indexedAt: Instant,
}));
export type ComplaintIndexEntry = z.infer<typeof ComplaintIndexEntry>;
