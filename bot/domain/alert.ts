import { z } from 'zod';
import { BoroughId } from './borough';
import { Id, Instant, ProtectiveMarking } from './common';
import { OrganisationId } from './organisation';
import { ThemeId } from './theme';

export const AlertSeverity = z.enum(['info', 'warning', 'high']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

/** A partnership alert: a closure order granted, a spike in hate crime, a warrant day. */
export const Alert = z.object({
  id: Id,
  severity: AlertSeverity,
  boroughs: z.array(BoroughId).min(1, 'an alert is for at least one borough'),
  themeId: ThemeId,
  title: z.string().trim().min(5).max(120),
  body: z.string().trim().min(1).max(2000),
  raisedAt: Instant,
  expiresAt: Instant,
  raisedBy: z.object({ organisationId: OrganisationId, displayName: z.string().max(120) }),
  marking: ProtectiveMarking,
})
  .refine((a) => Date.parse(a.expiresAt) > Date.parse(a.raisedAt), {
    message: 'an alert expires after it is raised',
    path: ['expiresAt'],
  })
  .refine((a) => Date.parse(a.expiresAt) - Date.parse(a.raisedAt) <= 90 * 24 * 3600 * 1000, {
    message: 'an alert lasts at most 90 days',
    path: ['expiresAt'],
  });
export type Alert = z.infer<typeof Alert>;
