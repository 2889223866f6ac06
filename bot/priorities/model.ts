import { z } from 'zod';
import { BoroughId } from '../common/borough';
import { CalendarDate, Instant } from '../common/common';
import { EntraObjectId } from '../common/member';
import { ThemeId } from '../common/theme';
import { lazySchema } from '../common/lazySchema';

/** One priority area of a borough's plan, under a theme ("residential burglary"). */
export const Priority = lazySchema(() => z.object({
  themeId: ThemeId,
  title: z.string().trim().min(3).max(120),
  detail: z.string().trim().max(500).optional(),
}));
export type Priority = z.infer<typeof Priority>;

/**
 * A published version of a borough's policing priorities. Versions only go
 * up; an update is a new version with a change note.
 */
export const PrioritySet = lazySchema(() => z.object({
  borough: BoroughId,
  version: z.number().int().min(1),
  effectiveFrom: CalendarDate,
  publishedAt: Instant,
  publishedBy: EntraObjectId,
  changeNote: z.string().trim().max(500).default(''),
  priorities: z.array(Priority).min(1, 'a plan has at least one priority').max(60),
  /** The card instance or partner request that published it: a repeat returns this version. */
  submissionId: z.string().max(200).optional(),
})
  .refine((s) => s.version === 1 || s.changeNote.length > 0, {
    message: 'an update says what changed',
    path: ['changeNote'],
  })
  .refine(
    (s) => new Set(s.priorities.map((p) => `${p.themeId}/${p.title.toLowerCase()}`)).size === s.priorities.length,
    { message: 'a priority appears once under its theme', path: ['priorities'] },
  ));
export type PrioritySet = z.infer<typeof PrioritySet>;

/** The first post of a borough's priorities card in a channel: later versions update it in place. */
export const PriorityPost = lazySchema(() => z.object({
  borough: BoroughId,
  conversationId: z.string().min(1),
  batchId: z.string(),
  itemId: z.string(),
  version: z.number().int().min(1),
}));
export type PriorityPost = z.infer<typeof PriorityPost>;
