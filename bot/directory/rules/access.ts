import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Role } from '../../common/access';
import { plainTextRefinement } from '../../common/plainText';
import type { Member } from '../../common/member';
import type { AccessRequest } from '../model';
import { RequestedRole } from '../model';
import { lazySchema } from '../../common/lazySchema';

/** Who may decide, change or review whom. Pure. */

/** Roles an approver can give from a card; administrators are named only in the partnership file. */
export const GRANTABLE_ROLES = ['staff', 'coordinator', 'themeLead', 'orgLead'] as const satisfies readonly Role[];

export { ROLE_LABELS } from '../../common/access';

/** One id per request (a person's later request is a new one): outbox and audit ids derive from it. */
export const requestKey = (r: Pick<AccessRequest, 'aadObjectId' | 'requestedAt'>) => createHash('sha256').update([r.aadObjectId, r.requestedAt].join('\u0000')).digest('hex').slice(0, 16);

// Who may decide or manage whom lives in ./permissions.ts (the access-review timer needs it without the form's text checks).
export { mayDecide, mayManage } from './permissions';

/** The one plain-text rule (bot/common/plainText.ts): this text reaches the approver's card. */
const plain = (max: number) => z.string().trim().max(max, `Keep it under ${max} characters`).superRefine(plainTextRefinement(max));

/** The request-access card's fields. */
export const RequestForm = lazySchema(() => z.object({
  organisationId: z.string({ required_error: 'Choose your organisation', invalid_type_error: 'Choose your organisation' }).min(1, 'Choose your organisation'),
  role: RequestedRole.catch('' as never).refine((r) => RequestedRole.safeParse(r).success, 'Choose what you need to do'),
  jobTitle: plain(120).optional(),
  reason: plain(500).pipe(z.string().min(5, 'Say in a few words why you need access')),
}));

/** Roles (and themes, for theme leads) given from an approval or a member card. Comma-separated, as Teams sends multi-selects. */
export function parseGrant(raw: { roles?: unknown; themes?: unknown }, knownThemes: string[]): { ok: true; roles: Role[]; themes: string[] } | { ok: false; errors: Record<string, string> } {
  const split = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
  const roles = split(raw.roles);
  const themes = split(raw.themes);
  const errors: Record<string, string> = {};
  if (roles.length === 0) errors.roles = 'Give at least one role';
  else if (roles.some((r) => !(GRANTABLE_ROLES as readonly string[]).includes(r))) errors.roles = 'Only staff, coordinator, theme lead or approver can be given here';
  if (themes.some((t) => !knownThemes.includes(t))) errors.themes = 'Choose themes from the list';
  else if (roles.includes('themeLead') && themes.length === 0) errors.themes = 'A theme lead leads at least one theme';
  else if (!roles.includes('themeLead') && themes.length > 0) errors.themes = 'Only theme leads lead themes: add the theme lead role, or clear the themes';
  if (Object.keys(errors).length) return { ok: false, errors };
  const order: Role[] = ['staff', 'coordinator', 'admin', 'themeLead', 'orgLead'];
  return { ok: true, roles: order.filter((r) => roles.includes(r)), themes };
}
