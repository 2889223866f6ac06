import { z } from 'zod';

/**
 * A form card's inputs as its view passes them: the field ids (the slice's parsing rules own that list, e.g.
 * bot/operations/rules/form.ts), a value for every one of them, and an error beside any ('' for none). The card
 * knows no slice's field list; it refuses data that leaves a field out, so a form never renders with a blank
 * where a value was kept.
 */
export function formFields<F extends string>(fields: readonly F[], values: Readonly<Record<string, string>>, errors: Readonly<Partial<Record<string, string>>> = {}) {
  const missing = fields.filter((f) => typeof values[f] !== 'string');
  if (missing.length) throw new Error(`form card without a value for ${missing.join(', ')}`);
  return {
    values: Object.fromEntries(fields.map((f) => [f, values[f]!])) as Record<F, string>,
    errors: Object.fromEntries(fields.map((f) => [f, errors[f] ?? ''])) as Record<F, string>,
  };
}

/** The schema of a form card's fields, values and errors (see formFields). */
export const FormInput = {
  fields: z.array(z.string().min(1)).min(1).readonly(),
  values: z.record(z.string(), z.string()),
  errors: z.record(z.string(), z.string()).default({}),
};
