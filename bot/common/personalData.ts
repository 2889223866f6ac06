/**
 * Text that looks like personal data, for fields that go to broad audiences
 * (alerts, channel cards, incident summaries). Deliberately cautious: a false
 * alarm costs the author a rewording; a leak is a data breach. The false
 * positive rate on ordinary wording is measured in test/personalData.test.ts.
 *
 * Every pattern runs on normalised text (NFKC, invisible characters removed:
 * see textNormalise.ts), never on more than MAX_CHECKED_CHARS, and every
 * quantifier is bounded, so each pattern does a bounded amount of work per
 * character: linear in the text, whatever the text.
 */
import { FIRST_NAMES } from './firstNames';
import { MAX_CHECKED_CHARS, normaliseForChecks } from './textNormalise';

export interface PersonalDataFinding {
  kind:
    | 'date of birth'
    | 'phone number'
    | 'email address'
    | 'full postcode'
    | 'house number and street'
    | 'National Insurance number'
    | 'name';
  excerpt: string;
}

// Words that follow a number in ordinary counts ("5 youths street drinking", "14 addresses on the estate"),
// or link words ("3 on the road"): never the name of a street.
const NOT_STREET_NAME =
  'the|a|an|in|on|at|of|near|by|outside|opposite|around|along|down|up|from|to|and|or|off|behind|across|into|onto|over|this|that|our|their|his|her|its|times|people|youths|youth|men|women|kids|children|cars|vehicles|bikes|houses|homes|flats|shops|calls|reports|incidents|officers|days|nights|weeks|months|years|hours|minutes|mins|teenagers|lads|males|females|persons|dogs|residents|neighbours|blocks|streets|roads|addresses|more|other|each|every|went|ran|seen';
const STREET_SUFFIX = 'road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|court|crescent|grove|place|terrace|walk|gardens|mews|row|square|parade';
// "street drinking", "street lighting": ordinary phrases, not an address.
const NOT_AN_ADDRESS_AFTER = 'drinking|lighting|lights|furniture|level|works|cleaning|sweeping|racing|crime|parking|party|parties|food|art|scene|fights?|fighting|names|traders?|market|corner|dealing|sellers?';

const PATTERNS: { kind: PersonalDataFinding['kind']; re: RegExp }[] = [
  { kind: 'date of birth', re: /\b(?:d\.?o\.?b\b\.?|date of birth|born(?: on| in)?\b)[:\s]{0,5}\S.{0,20}/gi },
  { kind: 'date of birth', re: /\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}\b/g },
  // +44 7700 900123, +44 (0)161 496 0000, (0161) 496 0000, 07700 900123, 0161.496.0000: 10 or 11 digits with a leading 0.
  { kind: 'phone number', re: /(?:\+\s{0,2}44\s{0,2}(?:\(0\)\s{0,2})?|\(0|\b0)(?:\d[\s.)-]{0,2}){9,10}(?!\d)/g },
  { kind: 'email address', re: /(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,5}/g },
  // jsmith[at]example.com, j.smith (at) example (dot) com
  { kind: 'email address', re: /(?<![\w.+-])[\w.+-]{1,64}\s{0,3}[[({<]\s{0,2}at\s{0,2}[\])}>]\s{0,3}[\w-]{1,63}(?:\s{0,3}(?:\.|[[({<]\s{0,2}dot\s{0,2}[\])}>])\s{0,3}[\w-]{1,63}){1,5}/gi },
  // jsmith at example dot co dot uk
  { kind: 'email address', re: /(?<![\w.+-])[\w.+-]{1,64}\s{1,3}at\s{1,3}[\w-]{1,63}(?:\s{1,3}dot\s{1,3}[\w-]{1,63}){1,5}\b/gi },
  // A full postcode (outward + inward) identifies a handful of homes; the district alone (SK8) is fine.
  { kind: 'full postcode', re: /\b[A-Z]{1,2}\d[A-Z\d]?[\s-]{0,3}\d[A-Z]{2}\b/gi },
  { kind: 'National Insurance number', re: /\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b/gi },
  {
    kind: 'house number and street',
    re: new RegExp(
      `\\b\\d{1,4}[a-z]?,?\\s{1,3}(?:(?!(?:${NOT_STREET_NAME})\\b)[a-z][a-z'-]{1,30}\\s{1,3}){1,3}(?:${STREET_SUFFIX})\\b(?!\\s{1,3}(?:${NOT_AN_ADDRESS_AFTER})\\b)`,
      'gi',
    ),
  },
  // A title and a name, in any case ("Mrs Patel", "mrs patel"); Dr only capitalised, as "Dr" is also "Drive".
  { kind: 'name', re: /\b(?:mrs?|ms|miss|mx)\.?\s{1,3}(?!(?:teams|word|excel|office|forms|outlook)\b)[a-z][a-z'-]{1,30}|\bDr\.?\s{1,3}[A-Z][a-z'-]{1,30}/gi },
];

// Capitalised words that follow a capitalised word in ordinary wording: places, organisations, days, months.
const NOT_A_SURNAME = new Set(
  (
    'Road Rd Street St Avenue Lane Close Drive Way Park Estate Centre Center Court Square Gardens Hall Church School Academy College ' +
    'Station Police Council Homes Housing Trust Service Services Team Ward House Hotel Bridge Hill Vale Green Market Day Night Eve ' +
    'Christmas Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September ' +
    'October November December Primary High Community Library Hospital Infirmary Metrolink Stop North South East West United City ' +
    'County Town Village Farm Mill Moss Heath Wood Woods Brook Point Quays Retail Shopping Tram Bus Rail Museum Theatre Fields Field ' +
    'Common Recreation Leisure Pool Baths Arms Inn Tavern Pub Club Cafe Shop Stores Store Extra Express Local Row Terrace Crescent ' +
    'Grove Place Walk Mews Parade Avenue Valley Trail Country Vale Mosque Temple Chapel Cathedral Centre Office Group Partnership ' +
    'Board Forum Project Unit Department Borough Metropolitan Greater Manchester Stockport Salford Bolton Bury Oldham Rochdale ' +
    'Tameside Trafford Wigan Day Week Weekend Bank Holiday Airport Interchange Gate Gates Corner Cross Lodge Tower Towers Flats Court'
  ).split(' '),
);

/** A capitalised given name followed by a surname-shaped word: "John Smith", "Sarah Jones-Smith", "Sean O'Brien". */
const GIVEN_THEN_SURNAME = /\b([A-Z][a-z]{1,20})(?=\s{1,3}((?:Mc|Mac|O')?[A-Z][A-Za-z'-]{1,30})\b)/g;
/** A person introduced as such: "the lad called Kyle", "known as Dazza". */
const INTRODUCED = /\b(?:called|named|known as|aka|a\.k\.a\.)\s{1,3}([A-Z][a-z'-]{1,30})\b/g;

function names(text: string): PersonalDataFinding[] {
  const found: PersonalDataFinding[] = [];
  for (const m of text.matchAll(GIVEN_THEN_SURNAME)) {
    if (FIRST_NAMES.has(m[1]!) && !NOT_A_SURNAME.has(m[2]!)) found.push({ kind: 'name', excerpt: `${m[1]} ${m[2]}` });
  }
  for (const m of text.matchAll(INTRODUCED)) {
    if (!NOT_A_SURNAME.has(m[1]!)) found.push({ kind: 'name', excerpt: m[0] });
  }
  return found;
}

/**
 * What in the text looks like personal data. Text over MAX_CHECKED_CHARS is
 * not scanned: callers refuse it on length first.
 */
export function findPersonalData(raw: string): PersonalDataFinding[] {
  if (raw.length > MAX_CHECKED_CHARS) return [];
  const text = normaliseForChecks(raw);
  const found: PersonalDataFinding[] = [];
  for (const { kind, re } of PATTERNS) {
    for (const m of text.matchAll(re)) found.push({ kind, excerpt: m[0].trim().slice(0, 30) });
  }
  found.push(...names(text));
  return found;
}

/** One sentence a user can act on, or undefined when the text is clean. */
export function personalDataMessage(text: string): string | undefined {
  const kinds = [...new Set(findPersonalData(text).map((f) => f.kind))];
  if (kinds.length === 0) return undefined;
  return `This looks like it contains personal data (${kinds.join(', ')}). Alerts go to broad audiences: describe the area and the issue, not the person or the exact address.`;
}
