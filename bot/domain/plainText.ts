import { z } from 'zod';
import { personalDataMessage } from './personalData';
import { markupProblem } from './textSafety';

/**
 * A free-text field for a broad audience (alerts, priorities): trimmed,
 * length-limited, plain text only, and refusing what looks like personal
 * data. One definition, so every such field refuses the same things.
 */
export function broadcastText(max: number, missing: string) {
  return z
    .string({ required_error: missing, invalid_type_error: missing })
    .trim()
    .max(max, `Keep it under ${max} characters`)
    .superRefine((t, c) => {
      const markup = markupProblem(t);
      if (markup) return c.addIssue({ code: z.ZodIssueCode.custom, message: markup.message });
      const pd = personalDataMessage(t);
      if (pd) c.addIssue({ code: z.ZodIssueCode.custom, message: pd });
    });
}
