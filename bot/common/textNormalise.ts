/**
 * What every text check sees: the text as a reader would read it, not as it
 * was typed. Without this, a postcode split by an invisible word joiner
 * (U+2060) or a soft hyphen (U+00AD), or a phone number in full-width
 * digits, passes a pattern that the rendered text plainly matches.
 */

/**
 * No check runs its patterns on more than this many characters: fields are
 * at most 4,000 characters, and a caller checks its own limit first. This is
 * the backstop that keeps a 64 KB body from reaching a pattern at all.
 */
export const MAX_CHECKED_CHARS = 5000;

// Format characters (\p{Cf}: soft hyphen, zero-width space and joiners, word joiner, bidi controls, BOM, tags)
// and the Hangul and combining fillers that render as nothing.
const INVISIBLE = /[\p{Cf}\u034f\u115f\u1160\u3164\uffa0]/gu;

/** NFKC (full-width and compatibility forms to their plain letters and digits), then without invisible characters. */
export function normaliseForChecks(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '');
}

/** Whether the text carries characters that render as nothing or re-order what is shown. */
export function hasInvisibleCharacters(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  return INVISIBLE.test(text);
}
