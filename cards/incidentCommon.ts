import { z } from 'zod';

/** Pieces shared by the incident cards' builders. */
export const Fact = z.object({ title: z.string().max(60), value: z.string().max(4000) });
export type Fact = z.infer<typeof Fact>;

/** An Action.Execute button: its verb and the data it carries back. */
export const Button = z.object({
  title: z.string().min(1).max(40),
  verb: z.string().min(1).max(60),
  data: z.record(z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type Button = z.input<typeof Button>;

export const Marking = z.enum(['OFFICIAL', 'OFFICIAL-SENSITIVE']);

/** The banner line every incident card starts with; OFFICIAL-SENSITIVE stands out. */
export function markingBanner(marking: z.infer<typeof Marking>): { marking: string; markingColor: string } {
  return { marking, markingColor: marking === 'OFFICIAL-SENSITIVE' ? 'Attention' : 'Default' };
}

/** Buttons with the verb repeated in their data, as every Action.Execute in this app carries it. */
export function buttonsOf(buttons: readonly Button[]): { title: string; verb: string; data: Record<string, unknown> }[] {
  return z
    .array(Button)
    .max(6)
    .parse(buttons)
    .map((b) => ({ title: b.title, verb: b.verb, data: { ...b.data, verb: b.verb } }));
}

/** Templating keeps `null` values; an Adaptive Card wants such properties absent. */
export function withoutNullValues<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutNullValues) as T;
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (v !== null) out[k] = withoutNullValues(v);
    return out as T;
  }
  return node;
}
