import { z } from 'zod';
import { BoroughId } from '../common/borough';
import { Instant, PostcodeDistrict, RiskLevel } from '../common/common';
import { IncidentReference } from '../incidents/rules/incident';
import { OrganisationId } from '../common/organisation';
import { IncidentCategory } from '../common/taxonomy';
import { lazySchema } from '../common/lazySchema';

/**
 * One row of the IncidentFinder table (docs/storage.md "Lists and search"):
 * what a list or search line shows and what the access rule needs, copied
 * from the incident under one key per way of finding it. No free text but
 * the area (the street or estate, which channel cards show too), no names,
 * no address.
 */
export const FinderRow = lazySchema(() => z.object({
  /** The partition: `org|<reporting organisation>`, `pc|<district>`, `w|<word of the area>`, `wd|<word>|<district>` or `pol|<police reference>`. */
  key: z.string().min(3).max(120),
  reference: IncidentReference,
  borough: BoroughId,
  category: IncidentCategory,
  area: z.string().max(80),
  postcodeDistrict: PostcodeDistrict,
  occurredAt: Instant,
  reportedAt: Instant,
  risk: RiskLevel,
  reporterOrg: OrganisationId,
  sharedWith: z.array(OrganisationId).max(60),
  anonymised: z.boolean(),
}));
export type FinderRow = z.infer<typeof FinderRow>;

/** Who asked to see which incidents of another organisation, and what its approver decided (table AccessRequests). */
export const AccessRequest = lazySchema(() => z.object({
  id: z.string().regex(/^[a-f0-9]{24}$/),
  /** The organisation holding the incidents: its approvers (role orgLead) decide. */
  ownerOrg: OrganisationId,
  requester: z.object({ aadObjectId: z.string().min(1).max(64), displayName: z.string().max(120), organisationId: OrganisationId }),
  /** What was searched for, as shown to the approver ("Brinnington, SK5"). */
  what: z.string().min(1).max(120),
  /** The incidents asked for: those of this page of results held by the owner. */
  references: z.array(IncidentReference).min(1).max(50),
  /**
   * `withdrawn`: closed without sharing because, when an approver decided, the requester was no longer an active
   * member of the organisation they asked for (suspended, removed, moved, or their organisation retired).
   */
  status: z.enum(['pending', 'approved', 'declined', 'withdrawn']),
  createdAt: Instant,
  /** How many times it was asked again after being withdrawn: each time its approvers get a new card. */
  refiled: z.number().int().min(1).max(1000).optional(),
  decidedAt: Instant.optional(),
  decidedBy: z.object({ aadObjectId: z.string().min(1).max(64), displayName: z.string().max(120) }).optional(),
}));
export type AccessRequest = z.infer<typeof AccessRequest>;

/**
 * A finished one-off pass over the IncidentFinder index (table FinderMarks): that every incident stored before a
 * new kind of finder key existed has been indexed under it, so searches may rely on it. `wordInDistrict`: the
 * place-word-within-district partitions ("wd|brinnington|SK5").
 */
export const FinderMark = lazySchema(() => z.object({
  name: z.enum(['wordInDistrict']),
  completedAt: Instant,
  /** Incidents the pass re-indexed. */
  reindexed: z.number().int().min(0),
}));
export type FinderMark = z.infer<typeof FinderMark>;

/**
 * One person's recent and waiting access requests (table AccessAsks): what the limits on requests are counted from
 * (bot/search/rules/accessLimits.ts), one point read and one ETag-guarded write per new request. Holds ids, owning
 * organisations and times only; what was asked for stays on the requests.
 */
export const AccessAsks = lazySchema(() => z.object({
  requester: z.string().min(1).max(64),
  /** Bounded by the limits: at most 25 waiting plus 20 in the last 24 hours. */
  asks: z.array(z.object({ id: z.string().regex(/^[a-f0-9]{24}$/), owner: OrganisationId, at: Instant, pending: z.boolean() })).max(60),
  updatedAt: Instant,
}));
export type AccessAsks = z.infer<typeof AccessAsks>;
