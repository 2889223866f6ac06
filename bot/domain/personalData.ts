/**
 * Text that looks like personal data, for fields that go to broad audiences
 * (alerts, channel cards). Deliberately cautious: a false alarm costs the
 * author a rewording; a leak is a data breach.
 */
export interface PersonalDataFinding {
  kind: 'date of birth' | 'phone number' | 'email address' | 'full postcode' | 'house number and street';
  excerpt: string;
}

const PATTERNS: { kind: PersonalDataFinding['kind']; re: RegExp }[] = [
  { kind: 'date of birth', re: /\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\b[:\s]*\S.{0,20}/gi },
  { kind: 'date of birth', re: /\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b/g },
  { kind: 'phone number', re: /(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b/g },
  { kind: 'email address', re: /\b[\w.+-]+@[\w-]+\.[\w.-]+\b/g },
  // A full postcode (outward + inward) identifies a handful of homes; the district alone (SK8) is fine.
  { kind: 'full postcode', re: /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/gi },
  {
    kind: 'house number and street',
    re: /\b\d{1,4}[a-z]?,?\s+(?:[A-Z][a-z]+\s){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Court|Crescent|Grove|Place|Terrace|Walk|Gardens)\b/g,
  },
];

export function findPersonalData(text: string): PersonalDataFinding[] {
  const found: PersonalDataFinding[] = [];
  for (const { kind, re } of PATTERNS) {
    for (const m of text.matchAll(re)) found.push({ kind, excerpt: m[0].trim().slice(0, 30) });
  }
  return found;
}

/** One sentence a user can act on, or undefined when the text is clean. */
export function personalDataMessage(text: string): string | undefined {
  const kinds = [...new Set(findPersonalData(text).map((f) => f.kind))];
  if (kinds.length === 0) return undefined;
  return `This looks like it contains personal data (${kinds.join(', ')}). Alerts go to broad audiences: describe the area and the issue, not the person or the exact address.`;
}
