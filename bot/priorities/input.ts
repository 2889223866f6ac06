import { z } from 'zod';
import { CalendarDate } from '../domain/common';
import { hasMarkup } from '../domain/formErrors';
import { personalDataMessage } from '../domain/personalData';

const plain = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep it under ${max} characters`)
    .refine((t) => !hasMarkup(t), 'Plain text only: no HTML, links or markup')
    .superRefine((t, c) => {
      const pd = personalDataMessage(t);
      if (pd) c.addIssue({ code: z.ZodIssueCode.custom, message: pd });
    });

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
