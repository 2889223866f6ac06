import { TONE_COLOR } from './format';
import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/operation.json';

const Tone = z.enum(['default', 'good', 'warning', 'attention']);
const COLORS = TONE_COLOR;

const Fact = z.object({ title: z.string().min(1).max(40), value: z.string().min(1).max(1000) });

export const OperationCardData = z.object({
  marking: z.string().min(1),
  heading: z.string().min(1).max(200),
  tone: Tone.default('default'),
  title: z.string().min(1).max(100),
  subtitle: z.string().min(1).max(200),
  notices: z.array(z.object({ text: z.string().min(1).max(500), tone: Tone.default('default') })).max(4).default([]),
  facts: z.array(Fact).max(12),
  /** Only ever set for a caller allowed to see it, in a private chat. */
  briefing: z.string().max(4000).default(''),
  outcomes: z.array(Fact).max(8).default([]),
  footer: z.string().min(1).max(500),
  buttons: z
    .array(z.object({ title: z.string().min(1).max(40), verb: z.string().min(1), operationId: z.string(), version: z.number().int() }))
    .max(6)
    .default([]),
});
export type OperationCardData = z.input<typeof OperationCardData>;

/** A joint operation: the channel post, a reminder, a notice of a move or cancellation, or the detail view. */
export function operationCard(input: OperationCardData): AdaptiveCard {
  const d = OperationCardData.parse(input);
  return expandTemplate(template, {
    ...d,
    headingColor: COLORS[d.tone],
    notices: d.notices.map((n) => ({ text: n.text, color: COLORS[n.tone] })),
  });
}
