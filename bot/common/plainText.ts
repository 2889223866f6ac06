import { z } from 'zod';
import { findPersonalData, personalDataMessage } from './personalData';
import { hasInvisibleCharacters, MAX_CHECKED_CHARS, normaliseForChecks } from './textNormalise';

/**
 * The one plain-text rule for every field that reaches a card: incident,
 * alert, priorities and operation fields, cancellation reasons, outcome
 * notes, updates, and anything of the user's that the bot quotes back. Pure.
 *
 * Markup is refused rather than escaped: Adaptive Card TextBlocks render a
 * subset of Markdown (a link typed as [text](url) is live on every card that
 * shows it), and the same text may later reach e-mail or exports, so a
 * stored value must be plain text.
 *
 * Length first, then patterns: a caller refuses text over its limit before
 * any pattern runs, every pattern's quantifiers are bounded (linear time),
 * and nothing is scanned beyond MAX_CHECKED_CHARS whatever the caller does.
 * The messages themselves contain no markup characters: an example such as
 * "<b>" in an error text is swallowed by the renderer.
 */
export interface TextProblem {
  /** A short plain-English reason, shown under the field. */
  message: string;
}

const INVISIBLE_MESSAGE = 'invisible or control characters are not allowed';

const MARKUP_RULES: { test: RegExp; message: string }[] = [
  { test: /<\s{0,10}\/?\s{0,10}[a-z!?]/i, message: 'HTML tags (anything between angle brackets) are not allowed' },
  { test: /&(?:#\d{1,10}|#x[0-9a-f]{1,10}|[a-z][a-z0-9]{1,30});/i, message: 'HTML entities (an ampersand code ending in a semicolon) are not allowed' },
  { test: /\b(?:javascript|vbscript|data)\s{0,10}:/i, message: 'script links are not allowed' },
  { test: /\bon[a-z]{3,20}\s{0,10}=/i, message: 'script event attributes are not allowed' },
  { test: /\$\{|\{\{/, message: 'template expressions (a dollar sign or a double brace before a name) are not allowed' },
  // A closing square bracket then an opening round one is the heart of every Markdown link and image.
  { test: /\]\s{0,10}\(/, message: 'Markdown links and images (square brackets followed by round brackets) are not allowed' },
  { test: /\*\*|__|~~|`/, message: 'Markdown formatting (double asterisks, double underscores, double tildes or backticks) is not allowed' },
  // *word* and _word_ render as italics.
  { test: /(?:^|[\s(])[*_][^\s*_][^*_\n]{0,200}[*_](?=$|[\s).,!?;:])/, message: 'Markdown emphasis (words wrapped in asterisks or underscores) is not allowed' },
  { test: /^\s{0,3}#{1,6}\s/m, message: 'Markdown headings (a line starting with a hash sign) are not allowed' },
  { test: /\bhttps?:\/\/|\bwww\./i, message: 'web links are not allowed' },
  { test: /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/, message: INVISIBLE_MESSAGE },
];

/** Every message the plain-text rule can give (a test checks that each renders as written). */
export const MARKUP_MESSAGES: readonly string[] = [...new Set(MARKUP_RULES.map((r) => r.message))];

/** The plain-text rule: the first kind of markup found, as a message a user can act on. */
export function markupProblem(text: string): TextProblem | undefined {
  if (text.length > MAX_CHECKED_CHARS) return { message: `this is ${text.length} characters long; the most is ${MAX_CHECKED_CHARS}` };
  if (hasInvisibleCharacters(text)) return { message: `${INVISIBLE_MESSAGE}: please use plain text` };
  const normalised = normaliseForChecks(text);
  const hit = MARKUP_RULES.find((r) => r.test.test(normalised));
  return hit && { message: `${hit.message}: please use plain text` };
}

/** The plain-text rule as a message, or undefined when the text is plain. */
export function plainTextProblem(text: string): string | undefined {
  return markupProblem(text)?.message;
}

/**
 * The user's own words, to quote back on a card ("I didn't understand …"),
 * or undefined when they are not plain text: a bot card must never carry a
 * link or formatting that the bot did not write.
 */
export function quotable(text: string, max = 60): string | undefined {
  const trimmed = text.trim();
  if (!trimmed || plainTextProblem(trimmed.slice(0, MAX_CHECKED_CHARS + 1))) return undefined;
  return clip(trimmed, max);
}

/** At most `max` characters: cut with "…" when longer (a list's line, where the full text is one tap away). */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The user's value quoted in a message ("SK5Q" is not …), or the fallback when it is not plain text. */
export function quoteForCard(text: string, max = 40, fallback = 'That'): string {
  const q = quotable(text, max);
  return q ? `"${q}"` : fallback;
}

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';

/** Beyond the shared personal-data patterns (personalData.ts): things a summary specifically must not carry. */
const SUMMARY_EXTRAS: { test: RegExp; kind: string }[] = [
  { test: /\b(?:aged? \d{1,3}\b|\d{1,3}\s?(?:yrs?|years?)[\s-]old)/i, kind: 'an age' },
  {
    test: new RegExp(`\\b(?:\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2}|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}(?:st|nd|rd|th)?\\s{1,3}(?:${MONTHS})\\s{1,3}\\d{4})\\b`, 'i'),
    kind: 'a full date, which could be a date of birth (put when it happened in the date and time fields)',
  },
  { test: /\b(?:flat|apartment|apt)\s{1,3}\d{1,4}/i, kind: 'a flat number' },
];

const KIND_WORDS: Record<string, string> = { name: 'what looks like a name' };

/**
 * Personal data that must not be in a summary: everything personalData.ts
 * finds (dates of birth, phone numbers, e-mail addresses, full postcodes,
 * house number and street, National Insurance numbers, names), plus ages,
 * full dates and flat numbers. Heuristic: it catches the common slips, and
 * the card says plainly that names belong in the restricted details.
 */
export function personalDataProblem(text: string): TextProblem | undefined {
  if (text.length > MAX_CHECKED_CHARS) return undefined;
  const normalised = normaliseForChecks(text);
  const kinds = [
    ...new Set([
      ...findPersonalData(text).map((f) => KIND_WORDS[f.kind] ?? `${/^[aeiouAEIOU]/.test(f.kind) ? 'an' : 'a'} ${f.kind}`),
      ...SUMMARY_EXTRAS.filter((r) => r.test.test(normalised)).map((r) => r.kind),
    ]),
  ];
  if (kinds.length === 0) return undefined;
  return {
    message: `The summary must not identify anyone, and this contains ${kinds.join(', ')}. Put identifying detail in "Restricted details" instead.`,
  };
}

/**
 * A zod refinement applying the plain-text rule, and optionally a
 * personal-data check, to text within its length limit. Over-long text is
 * left to the schema's own max() message: no pattern runs on it.
 */
export function plainTextRefinement(max: number, personalData?: (text: string) => string | undefined) {
  return (text: string, c: z.RefinementCtx): void => {
    if (text.length > max) return;
    // Markup and personal data both reported, so one submit shows every problem.
    const markup = plainTextProblem(text);
    if (markup) c.addIssue({ code: z.ZodIssueCode.custom, message: markup });
    const pd = personalData?.(text);
    if (pd) c.addIssue({ code: z.ZodIssueCode.custom, message: pd });
  };
}

/**
 * A free-text field for a broad audience (alerts, priorities): trimmed,
 * length-limited, plain text only, and refusing what looks like personal
 * data. One definition, so every such field refuses the same things.
 */
export function broadcastText(max: number, missing: string) {
  return z
    .string({ required_error: missing, invalid_type_error: missing })
    .trim()
    .max(max, `Keep it under ${max} characters`)
    .superRefine(plainTextRefinement(max, personalDataMessage));
}
