import { z } from 'zod';
import { Role } from './access';
import { OrganisationId } from './organisation';
import { ThemeId } from './theme';
import { lazySchema } from './lazySchema';

/** An Entra (Azure AD) object id: the stable identity Teams gives us on every activity. */
export const EntraObjectId = lazySchema(() => z.string().uuid());

export const Member = lazySchema(() => z.object({
  aadObjectId: EntraObjectId,
  displayName: z.string().min(1).max(120),
  jobTitle: z.string().max(120).optional(),
  organisationId: OrganisationId,
  roles: z.array(Role).min(1, 'a member has at least one role'),
  /** Themes this member leads; only with the themeLead role. */
  leadsThemes: z.array(ThemeId).default([]),
  /** The Microsoft 365 tenant they sign in from: with the object id, who they are. Their activity must come from it. */
  tenantId: EntraObjectId.optional(),
  /** Absent means active. Suspended members keep their row (and history) but the bot treats them as unknown until reinstated. */
  status: z.enum(['active', 'suspended']).optional(),
  /** How they joined: named in the partnership file, approved in Teams, or bulk onboarded. */
  source: z.enum(['file', 'approval', 'bulk']).optional(),
  joinedAt: z.string().datetime().optional(),
  /** The last access review (or approval) that confirmed them. */
  confirmedAt: z.string().datetime().optional(),
})
  .refine((m) => !m.roles.includes('themeLead') || m.leadsThemes.length > 0, {
    message: 'a theme lead leads at least one theme',
    path: ['leadsThemes'],
  })
  .refine((m) => m.roles.includes('themeLead') || m.leadsThemes.length === 0, {
    message: 'only theme leads lead themes',
    path: ['leadsThemes'],
  }));
export type Member = z.infer<typeof Member>;
export { Role };
