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
