import { z } from 'zod';
import { BoroughId, boroughById } from '../../common/borough';
import { Instant, PostcodeDistrict, ProtectiveMarking, RiskLevel } from '../../common/common';
import { EntraObjectId } from '../../common/member';
import { OrganisationId } from '../../common/organisation';
import { ActionTaken, HateCrimeStrand, IncidentCategory } from '../../common/taxonomy';
import { lazySchema } from '../../common/lazySchema';

/** STO-2026-000123: borough code, year, number allocated without gaps per borough and year. */
export const IncidentReference = lazySchema(() => z.string().regex(/^[A-Z]{3}-\d{4}-\d{6}$/, 'a reference such as STO-2026-000123'));

export function formatIncidentReference(boroughCode: string, year: number, sequence: number): string {
  if (!/^[A-Z]{3}$/.test(boroughCode)) throw new RangeError(`borough code ${boroughCode}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999) throw new RangeError(`sequence ${sequence}`);
  return `${boroughCode}-${year}-${String(sequence).padStart(6, '0')}`;
}

const count = lazySchema(() => z.number().int().min(0).max(999));

export const IncidentSummary = lazySchema(() => z.object({
  reference: IncidentReference,
  borough: BoroughId,
  category: IncidentCategory,
  hateCrimeStrand: HateCrimeStrand.optional(),
  area: z.string().trim().min(2).max(80),
  postcodeDistrict: PostcodeDistrict,
  occurredAt: Instant,
  reportedAt: Instant,
  summary: z.string().trim().min(10).max(1000),
  people: z.object({
    victims: count,
    suspects: count,
    witnesses: count,
    vulnerablePerson: z.boolean(),
    childrenPresent: z.boolean(),
  }),
  policeReference: z.string().max(40).optional(),
  risk: RiskLevel,
  actions: z.array(ActionTaken).min(1),
  sharedWith: z.array(OrganisationId),
  marking: ProtectiveMarking,
  reporter: z.object({ aadObjectId: EntraObjectId, organisationId: OrganisationId }),
  /** Criminal-offence detail: shown only after an access check, and audited. */
  restricted: z.object({
    fullAddress: z.string().trim().max(200).optional(),
    details: z.string().trim().max(4000).optional(),
  }),
})
  .refine((i) => Date.parse(i.occurredAt) <= Date.parse(i.reportedAt), {
    message: 'it cannot have happened after it was reported',
    path: ['occurredAt'],
  })
  .refine((i) => (i.category === 'hate-crime') === (i.hateCrimeStrand !== undefined), {
    message: 'a hate crime has a strand, and only a hate crime',
    path: ['hateCrimeStrand'],
  })
  .refine((i) => !i.actions.includes('none-yet') || i.actions.length === 1, {
    message: '"none yet" cannot be combined with actions taken',
    path: ['actions'],
  })
  .refine((i) => i.reference.startsWith(`${boroughCodeOf(i.borough)}-`), {
    message: 'the reference belongs to the incident\'s borough',
    path: ['reference'],
  }));
export type IncidentSummary = z.infer<typeof IncidentSummary>;

function boroughCodeOf(id: BoroughId): string {
  return boroughById(id).code;
}
