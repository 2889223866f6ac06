import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/auditTrail.json';

export const AuditTrailCardData = z.object({
  heading: z.string().min(1).max(160),
  subtitle: z.string().min(1).max(400),
  emptyText: z.string().min(1).max(300),
  items: z
    .array(z.object({ title: z.string().min(1).max(160), who: z.string().min(1).max(300), detail: z.string().max(1200).default('') }))
    .max(10),
  footer: z.string().min(1).max(300),
  /** The "More" button's signed page token ('' or absent: the oldest events are shown). */
  more: z.string().max(4000).default(''),
});
export type AuditTrailCardData = z.input<typeof AuditTrailCardData>;

/** A page of one subject's audit trail, newest first: for a data protection officer, in a private chat. */
export function auditTrailCard(input: AuditTrailCardData): AdaptiveCard {
  return expandTemplate(template, AuditTrailCardData.parse(input));
}
