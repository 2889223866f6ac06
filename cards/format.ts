export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Text colour by tone: the only colours card text uses. Adaptive Cards
 * colours are themed by the host, and Teams (and the Agents Playground) draw
 * "Good" and "Warning" text as pale green and yellow, which fail WCAG AA
 * (4.5:1) on the light theme's white; "Light" and "Dark" each fail on one
 * theme. Default, Accent and Attention are the colours Teams' light, dark and
 * high-contrast themes keep readable, so: good news is Accent, warnings and
 * problems are Attention, the rest Default. Colour is never the only signal:
 * the words (and ✔, ▲, ▼) say the same. Container styles (emphasis, warning,
 * attention backgrounds) are themed with their own text colours and stay.
 * cards/render.ts refuses any other text colour when a card is built.
 */
export const TONE_COLOR = { default: 'Default', good: 'Accent', info: 'Accent', warning: 'Attention', attention: 'Attention' } as const;
export type Tone = keyof typeof TONE_COLOR;
