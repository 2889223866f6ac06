import { z } from 'zod';
import { parsePoliceReference } from '../../incidents/rules/policeReference';
import { placeWords } from './keys';

/**
 * What a person searches for, parsed from what they typed (`search ...` or
 * the search card). Pure. Dates are London calendar days, inclusive.
 */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const SearchQuery = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reference'), reference: z.string().regex(/^[A-Z]{3}-\d{4}-\d{6}$/) }),
  z.object({ kind: z.literal('police'), normalised: z.string().min(1).max(40) }),
  z.object({
    kind: z.literal('place'),
    words: z.array(z.string().min(3).max(30)).max(6),
    district: z.string().regex(/^[A-Z]{1,2}[0-9][0-9A-Z]?$/).optional(),
    from: Day.optional(),
    to: Day.optional(),
  }),
  /** Dates alone: the caller's organisation's own reports in that range. */
  z.object({ kind: z.literal('dates'), from: Day.optional(), to: Day.optional() }),
]);
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SEARCH_HELP =
  'Search by reference (STO-2026-000123), police log number ("791 of 14/04/23") or crime reference, street, estate or postcode district (Brinnington SK5), with dates if you like ("from 01/03/2026 to 15/03/2026", "last 30 days").';

const REFERENCE = /^([a-z]{3})[-\s]?(\d{4})[-\s]?(\d{1,6})$/i;
const DATE = String.raw`(\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}-\d{2}-\d{2})`;
const RANGE = new RegExp(String.raw`(?:^|\s)(?:from\s+|between\s+)?${DATE}\s*(?:to|-|–|and|until)\s*${DATE}(?=\s|$)`, 'i');
const SINCE = new RegExp(String.raw`(?:^|\s)(?:since|from|after)\s+${DATE}(?=\s|$)`, 'i');
const UNTIL = new RegExp(String.raw`(?:^|\s)(?:until|before|to)\s+${DATE}(?=\s|$)`, 'i');
const LAST = /(?:^|\s)(?:in\s+the\s+)?last\s+(\d{1,3})\s+days?(?=\s|$)/i;
const DISTRICT = /^[a-z]{1,2}[0-9][0-9a-z]?$/i;

/** "14/04/23", "14.4.2023", "2023-04-14" → "2023-04-14"; undefined if not a real date. */
export function parseDay(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const uk = /^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$/.exec(text);
  const [y, m, d] = iso ? [Number(iso[1]), Number(iso[2]), Number(iso[3])] : uk ? [uk[3]!.length === 2 ? 2000 + Number(uk[3]) : Number(uk[3]), Number(uk[2]), Number(uk[1])] : [NaN, NaN, NaN];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

/** A failure names the field it is about, so the card shows it there: the search box, or the From/To dates. */
export type ParsedSearch = { ok: true; query: SearchQuery } | { ok: false; message: string; field: 'q' | 'dates' };

/** `text` from the command or the card's box; `from`/`to` from the card's date inputs (YYYY-MM-DD) when given. */
export function parseSearch(input: { text: string; from?: string; to?: string }, now: Date): ParsedSearch {
  let text = input.text.replace(/\s+/g, ' ').trim().slice(0, 200);
  const ref = REFERENCE.exec(text);
  if (ref) return { ok: true, query: { kind: 'reference', reference: `${ref[1]!.toUpperCase()}-${ref[2]}-${ref[3]!.padStart(6, '0')}` } };
  if (text) {
    const police = parsePoliceReference(text, now);
    if (police.ok) return { ok: true, query: { kind: 'police', normalised: police.value.normalised } };
  }

  let from = input.from ? parseDay(input.from) : undefined;
  let to = input.to ? parseDay(input.to) : undefined;
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(text);
    if (m) text = (text.slice(0, m.index) + ' ' + text.slice(m.index + m[0].length)).trim();
    return m;
  };
  const range = take(RANGE);
  const since = range ? null : take(SINCE);
  const until = range ? null : take(UNTIL);
  const last = take(LAST);
  for (const [m, set] of [
    [range, (a: string, b?: string) => ((from = parseDay(a)), (to = b ? parseDay(b) : to))],
    [since, (a: string) => (from = parseDay(a))],
    [until, (a: string) => (to = parseDay(a))],
  ] as const) {
    if (!m) continue;
    set(m[1]!, m[2]);
    if ((m[1] && !parseDay(m[1])) || (m[2] && !parseDay(m[2]))) return { ok: false, message: `${m[0].trim()} is not a real date. ${SEARCH_HELP}`, field: 'q' };
  }
  if (last) {
    const days = Math.min(400, Number(last[1]));
    from = new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
  }
  if (from && to && from > to) {
    // Typed in the box ("from 10/11 to 01/11"), it is shown there; picked in the date fields, beside them.
    const typed = range || since || until || last;
    const uk = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
    return { ok: false, message: `The start date (${uk(from)}) is after the end date (${uk(to)}).`, field: typed ? 'q' : 'dates' };
  }

  const words = text.split(' ').filter(Boolean);
  const district = words.find((w) => DISTRICT.test(w))?.toUpperCase();
  const place = placeWords(words.filter((w) => !DISTRICT.test(w)).join(' '));
  if (!district && place.length === 0) {
    if (from || to) return { ok: true, query: { kind: 'dates', ...(from ? { from } : {}), ...(to ? { to } : {}) } };
    return { ok: false, message: text ? `Nothing to search for in "${text}". ${SEARCH_HELP}` : SEARCH_HELP, field: 'q' };
  }
  return { ok: true, query: { kind: 'place', words: place, ...(district ? { district } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) } };
}

/** How a query reads back on a card: "Brinnington, SK5, 01/03/2026 to 15/03/2026". */
export function describeQuery(q: SearchQuery): string {
  const uk = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;
  const dates = (f?: string, t?: string) => (f && t ? `${uk(f)} to ${uk(t)}` : f ? `since ${uk(f)}` : t ? `until ${uk(t)}` : '');
  switch (q.kind) {
    case 'reference':
      return q.reference;
    case 'police':
      return `police reference ${q.normalised}`;
    case 'place':
      return [q.words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' '), q.district ?? '', dates(q.from, q.to)].filter(Boolean).join(', ');
    case 'dates':
      return `your organisation's reports, ${dates(q.from, q.to) || 'any date'}`;
  }
}
