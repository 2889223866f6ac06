import { z } from 'zod';
import { BoroughId } from './borough';
import { Id, Instant } from './common';
import { EntraObjectId } from './member';
import { OrganisationId } from './organisation';
import { IncidentReference } from './incident';

export const OperationType = z.enum(['day-of-action', 'joint-visit', 'warrant', 'closure-hearing', 'community-event']);
export type OperationType = z.infer<typeof OperationType>;

/** Minutes before the start a reminder goes (negative: after the end, for outcomes). */
export const DEFAULT_REMINDER_OFFSETS_MIN = [7 * 24 * 60, 24 * 60, 120] as const;
export const DEFAULT_OUTCOMES_AFTER_MIN = 24 * 60;

export const JointOperation = z.object({
  id: Id,
  name: z.string().trim().min(3).max(100),
  type: OperationType,
  borough: BoroughId,
  /** Area or estate: never a full address, since the card goes to a channel. */
  area: z.string().trim().min(2).max(80),
  startsAt: Instant,
  endsAt: Instant,
  leadOrganisationId: OrganisationId,
  partnerOrganisationIds: z.array(OrganisationId),
  participants: z.array(EntraObjectId),
  coordinator: EntraObjectId,
  briefing: z.string().max(4000).optional(),
  linkedIncidents: z.array(IncidentReference),
  reminderOffsetsMin: z.array(z.number().int().min(5).max(60 * 24 * 60)).max(6),
  outcomesAfterMin: z.number().int().min(0).max(14 * 24 * 60),
  status: z.enum(['scheduled', 'cancelled', 'completed']),
})
  .refine((o) => Date.parse(o.endsAt) > Date.parse(o.startsAt), { message: 'it ends after it starts', path: ['endsAt'] })
  .refine((o) => !o.partnerOrganisationIds.includes(o.leadOrganisationId), {
    message: 'the lead agency is not also listed as a partner',
    path: ['partnerOrganisationIds'],
  })
  .refine((o) => new Set(o.reminderOffsetsMin).size === o.reminderOffsetsMin.length, {
    message: 'each reminder time once',
    path: ['reminderOffsetsMin'],
  });
export type JointOperation = z.infer<typeof JointOperation>;
