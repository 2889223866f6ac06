import { z } from 'zod';
import { Role } from '../shared/access';
import { OrganisationId } from './organisation';
import { ThemeId } from './theme';

/** An Entra (Azure AD) object id: the stable identity Teams gives us on every activity. */
export const EntraObjectId = z.string().uuid();

export const Member = z.object({
  aadObjectId: EntraObjectId,
  displayName: z.string().min(1).max(120),
  jobTitle: z.string().max(120).optional(),
  organisationId: OrganisationId,
  roles: z.array(Role).min(1, 'a member has at least one role'),
  /** Themes this member leads; only with the themeLead role. */
  leadsThemes: z.array(ThemeId).default([]),
})
  .refine((m) => !m.roles.includes('themeLead') || m.leadsThemes.length > 0, {
    message: 'a theme lead leads at least one theme',
    path: ['leadsThemes'],
  })
  .refine((m) => m.roles.includes('themeLead') || m.leadsThemes.length === 0, {
    message: 'only theme leads lead themes',
    path: ['leadsThemes'],
  });
export type Member = z.infer<typeof Member>;
export { Role };
