/** How times read on cards: in Europe/London, the way people in the region say them. */
const LONDON_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const LONDON_DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });

export function londonDateTime(iso: string): string {
  return LONDON_DATE_TIME.format(new Date(iso)).replace(',', '');
}

export function londonDate(isoOrDate: string): string {
  return LONDON_DATE.format(new Date(isoOrDate.length === 10 ? `${isoOrDate}T12:00:00Z` : isoOrDate));
}

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
