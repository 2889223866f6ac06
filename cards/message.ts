import { TONE_COLOR } from './format';
import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { Button, buttonsOf } from './incidentCommon';
import template from './templates/message.json';

export const MessageCardData = z.object({
  title: z.string().min(1).max(120),
  text: z.string().min(1).max(2000),
  tone: z.enum(['default', 'warning', 'attention', 'good']).default('default'),
  /** `data`: what the button sends beside its verb (an "Open STO-2026-000123" button's reference). */
  buttons: z.array(Button).max(6).default([]),
});

const COLORS = TONE_COLOR;

/** A short titled message: confirmations, errors, "I did not understand". */
export function messageCard(input: z.input<typeof MessageCardData>): AdaptiveCard {
  const d = MessageCardData.parse(input);
  return expandTemplate(template, { title: d.title, text: d.text, color: COLORS[d.tone], buttons: buttonsOf(d.buttons) });
}
