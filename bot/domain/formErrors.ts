import type { z } from 'zod';

/** A zod failure as one message per form field: what the card shows next to each input. */
export function fieldErrors<F extends string>(error: z.ZodError, fields: readonly F[]): { fields: Partial<Record<F, string>>; form: string } {
  const out: Partial<Record<F, string>> = {};
  const other: string[] = [];
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '') as F;
    if (fields.includes(field)) out[field] ??= issue.message;
    else other.push(issue.message);
  }
  return { fields: out, form: other.join(' ') };
}

/** Input.ChoiceSet with isMultiSelect sends "a,b,c". */
export function splitMulti(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
