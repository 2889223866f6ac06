import { z } from 'zod';
import { BoroughId } from './borough';
import { lazySchema } from './lazySchema';

export const OrganisationKind = lazySchema(() => z.enum(['landlord', 'police', 'council', 'other']));
export type OrganisationKind = z.infer<typeof OrganisationKind>;

export const OrganisationId = lazySchema(() => z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case words joined by hyphens'));

export const Organisation = lazySchema(() => z.object({
  id: OrganisationId,
  name: z.string().min(2).max(120),
  kind: OrganisationKind,
  boroughs: z.array(BoroughId).min(1, 'an organisation serves at least one borough'),
  /** Organisations its incident reports are shared with by default (the partnership file's defaultSharing); empty: police and the borough's council. */
  defaultSharing: z.array(OrganisationId).optional(),
}).refine((o) => new Set(o.boroughs).size === o.boroughs.length, { message: 'boroughs are listed once each', path: ['boroughs'] }));
export type Organisation = z.infer<typeof Organisation>;

/** "Stockport Homes' approvers", "Greater Manchester Police's approvers": an organisation's name as a possessive. */
export const possessive = (name: string) => (name.endsWith('s') ? `${name}'` : `${name}'s`);
