import type { z } from 'zod';

/** How several problems with one field read beside it. */
export const PROBLEM_SEPARATOR = ' · ';

/**
 * A zod failure as one message per form field: what the card shows next to
 * each input. Every distinct problem with a field is in its message, so one
 * submit shows them all (not one per round trip).
 */
export function fieldErrors<F extends string>(error: z.ZodError, fields: readonly F[]): { fields: Partial<Record<F, string>>; form: string } {
  const byField = new Map<F, string[]>();
  const other: string[] = [];
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '') as F;
    if (!fields.includes(field)) other.push(issue.message);
    else if (!byField.get(field)?.includes(issue.message)) byField.set(field, [...(byField.get(field) ?? []), issue.message]);
  }
  const out: Partial<Record<F, string>> = {};
  for (const [field, messages] of byField) out[field] = messages.join(PROBLEM_SEPARATOR);
  return { fields: out, form: other.join(' ') };
}

/** Input.ChoiceSet with isMultiSelect sends "a,b,c". */
export function splitMulti(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
