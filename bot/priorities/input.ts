import { z } from 'zod';
import { CalendarDate } from '../common/common';
import { broadcastText } from '../common/plainText';

const plain = (max: number) => broadcastText(max, 'Write plain text');

export const PriorityAreaInput = z.object({
  themeId: z.string().min(1),
  title: plain(120).pipe(z.string().min(3, 'A priority area needs at least 3 characters')),
  detail: plain(500).optional(),
});

/** A borough's priorities as an author or a partner system submits them. */
export const PrioritiesInput = z.object({
  effectiveFrom: CalendarDate,
  changeNote: plain(500).default(''),
  priorities: z.array(PriorityAreaInput).min(1, 'List at least one priority area').max(60, 'At most 60 priority areas'),
});
export type PrioritiesInput = z.infer<typeof PrioritiesInput>;
