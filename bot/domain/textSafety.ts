import { findPersonalData } from './personalData';

/**
 * Checks on free text that partners type into incident cards. Pure.
 *
 * Markup is refused rather than escaped: Adaptive Card TextBlocks render a
 * subset of Markdown, and the same text may later reach e-mail or exports,
 * so a stored value must be plain text. Personal data checks apply to the
 * summary, which is read by more people than the restricted details.
 */
export interface TextProblem {
  /** A short plain-English reason, shown under the field. */
  message: string;
}

const MARKUP_RULES: { test: RegExp; message: string }[] = [
  { test: /<\s*\/?\s*[a-z!?]/i, message: 'HTML tags (such as <script> or <b>) are not allowed' },
  { test: /&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]{1,30});/i, message: 'HTML entities (such as &lt;) are not allowed' },
  { test: /\b(?:javascript|vbscript|data)\s*:/i, message: 'script links are not allowed' },
  { test: /\bon[a-z]{3,20}\s*=/i, message: 'script event attributes are not allowed' },
  { test: /\$\{|\{\{/, message: 'template expressions such as ${…} are not allowed' },
  { test: /!?\[[^\]\n]*\]\([^)\n]*\)/, message: 'Markdown links and images are not allowed' },
  { test: /\*\*|__|~~|`/, message: 'Markdown formatting (**, __, ~~, `) is not allowed' },
  { test: /^\s{0,3}#{1,6}\s/m, message: 'Markdown headings (# …) are not allowed' },
  { test: /\bhttps?:\/\/|\bwww\./i, message: 'web links are not allowed' },
  // Control characters other than tab and new line.
  { test: /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/, message: 'invisible control characters are not allowed' },
];

/** Markup, scripts and template or Markdown syntax: refused in every free-text field. */
export function markupProblem(text: string): TextProblem | undefined {
  const hit = MARKUP_RULES.find((r) => r.test.test(text));
  return hit && { message: `${hit.message}: please use plain text` };
}

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';

/** Beyond the shared personal-data patterns (domain/personalData.ts): things a summary specifically must not carry. */
const SUMMARY_EXTRAS: { test: RegExp; kind: string }[] = [
  { test: /\b(?:aged? \d{1,3}\b|\d{1,3}\s?(?:yrs?|years?)[\s-]old)/i, kind: 'an age' },
  {
    test: new RegExp(`\\b(?:\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2}|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:${MONTHS})\\s+\\d{4})\\b`, 'i'),
    kind: 'a full date, which could be a date of birth (put when it happened in the date and time fields)',
  },
  { test: /\b(?:[Mm]rs?|[Mm]s|[Mm]iss|[Mm]x|[Dd]r)\.?\s+[A-Z][a-z'-]+/, kind: 'what looks like a name (Mr/Mrs/Ms …)' },
  { test: /\b(?:flat|apartment|apt)\s+\d+/i, kind: 'a flat number' },
];

/**
 * Personal data that must not be in a summary: dates of birth and ages,
 * full dates, phone numbers, e-mail addresses, full postcodes, house number
 * and street, names with a title. Heuristic: it catches the common slips,
 * and the card says plainly that names belong in the restricted details.
 */
export function personalDataProblem(text: string): TextProblem | undefined {
  const kinds = [
    ...new Set([...findPersonalData(text).map((f) => `${/^[aeiou]/.test(f.kind) ? 'an' : 'a'} ${f.kind}`), ...SUMMARY_EXTRAS.filter((r) => r.test.test(text)).map((r) => r.kind)]),
  ];
  if (kinds.length === 0) return undefined;
  return {
    message: `The summary must not identify anyone, and this contains ${kinds.join(', ')}. Put identifying detail in "Restricted details" instead.`,
  };
}
