/**
 * The checks on free text that reaches other people's screens: what looks
 * like personal data is refused however it is disguised, every field that
 * reaches a card is plain text under one rule, error texts render as
 * written, and no check can be made to block the worker.
 */
import { describe, expect, it } from 'vitest';
import { AlertInput } from '../bot/alerts/raise';
import { AlertRequestBody } from '../bot/alerts/api';
import { buildUnknownCard } from '../bot/conversation/unknown';
import { validateIncidentForm } from '../bot/incidents/rules/incidentForm';
import { parseCancelForm, parseOperationForm, parseOutcomesForm } from '../bot/operations/rules/form';
import { personalDataMessage } from '../bot/common/personalData';
import { markupProblem, personalDataProblem, plainTextProblem, MARKUP_MESSAGES } from '../bot/common/plainText';
import { DEMO_ORGANISATIONS, DEMO_THEMES } from './support/demoDirectory';
import { BOROUGHS } from '../bot/common/borough';
import { generateYearScale } from '../scripts/data/yearScale';
import { textOfCard } from './support/botHarness';
import { ORDINARY_WORDING } from './fixtures/ordinaryWording';

/** What the gate offers a member of staff in a personal chat (the commands named in "I didn't understand"). */
const OFFER = { commands: [{ title: 'help', description: 'What Concordat can do for you' }, { title: 'report', description: 'Report an incident' }], verbs: new Set<string>() };

const alertBody = (text: string) => AlertInput.shape.body.safeParse(text);
const summaryErrors = (summary: string) => {
  const r = validateIncidentForm({ summary }, { now: new Date('2026-11-25T12:00:00Z'), timeZone: 'Europe/London', organisations: [] });
  return r.ok ? undefined : r.errors.summary;
};

describe('personal data is refused however it is written', () => {
  // Each of these reached every mapped channel as an alert body before (20 of 21 were accepted).
  it.each([
    ['an untitled name', 'John Smith has been seen dealing by the shops.'],
    ['an untitled name with a double-barrelled surname', 'Keep an eye out for Sarah Jones-Smith near the precinct.'],
    ['a name introduced as such', 'The lad called Kyle is behind most of it.'],
    ['a lower-case title and name', 'mrs patel on the third floor has complained again'],
    ['a lower-case street address', 'The trouble is at 12 acacia avenue most nights.'],
    ['a lower-case street address with a house letter', 'Same group at 4b mill lane again.'],
    ['a postcode split by a word joiner (U+2060)', 'Problems around SK5\u2060 7AB every weekend.'],
    ['a postcode split by a soft hyphen (U+00AD)', 'Problems around SK5 7\u00ADAB every weekend.'],
    ['a postcode in full-width letters and digits', 'Problems around ＳＫ５ ７ＡＢ every weekend.'],
    ['a phone number split by word joiners', 'Call 07700\u2060900\u2060123 for access.'],
    ['a phone number split by soft hyphens', 'Call 0\u00AD7700 900 123 for access.'],
    ['a phone number in full-width digits', 'Call ０７７００ ９００１２３ for access.'],
    ['a phone number with +44 (0)', 'Ring +44 (0)161 496 0000 after 6.'],
    ['a phone number with the area code in brackets', 'Ring (0161) 496 0000 after 6.'],
    ['an e-mail with [at]', 'Send it to jsmith[at]example.com please.'],
    ['an e-mail with (at) and (dot)', 'Send it to j.smith (at) example (dot) com please.'],
    ['an e-mail spelt out with at and dot', 'Send it to jsmith at example dot co dot uk please.'],
    ['an e-mail split by a word joiner', 'Send it to jsmith@\u2060example.com please.'],
    ['a National Insurance number', 'His NI is AB123456C if anyone needs it.'],
    ['a spaced lower-case National Insurance number', 'NI number ab 12 34 56 c on file.'],
    ['a date of birth', 'DOB 01/02/2009, known to the youth team.'],
  ])('an alert body with %s', (_kind, text) => {
    const r = alertBody(text);
    expect(r.success, text).toBe(false);
    if (!r.success) expect(r.error.issues[0]!.message).toMatch(/personal data|plain text|invisible/);
  });

  it('a bare name in an incident summary is refused, with the reason and where it belongs', () => {
    expect(summaryErrors('John Smith keeps shouting at neighbours from the balcony.')).toMatch(/name.*Restricted details/);
    expect(summaryErrors('Youths shouting at neighbours from the balcony, most nights.')).toBeUndefined();
  });

  it('operation names and cancellation reasons are checked like every other channel text', () => {
    expect(personalDataMessage('Op at 12 acacia avenue')).toBeDefined();
    const cancel = parseCancelForm({ reason: 'Kevin Doyle tipped them off' });
    expect(cancel.ok).toBe(false);
  });
});

describe('the false-positive rate on ordinary wording', () => {
  it('refuses at most 2% of ordinary wording (demo data, bench data and ordinary summaries), and the rate is reported', () => {
    const { partitions } = generateYearScale({ seed: 7, scale: 0.02 });
    const bench = [...partitions.values()].flat().flatMap((r) => [r.summary, r.area]);
    const demo = [
      ...DEMO_ORGANISATIONS.map((o) => `${o.name} will attend the meeting.`),
      ...DEMO_THEMES.flatMap((t) => [t.name, ...t.priorityAreas]),
      ...BOROUGHS.map((b) => `Patrols across ${b.name} this weekend.`),
    ];
    const corpus = [...new Set([...ORDINARY_WORDING, ...demo, ...bench])];
    const flagged = corpus.filter((t) => personalDataMessage(t) !== undefined || personalDataProblem(t) !== undefined);
    const rate = flagged.length / corpus.length;
    console.log(`PERSONAL-DATA-FALSE-POSITIVES ${flagged.length}/${corpus.length} (${(rate * 100).toFixed(1)}%) ${JSON.stringify(flagged)}`);
    expect(corpus.length).toBeGreaterThan(100);
    expect(rate).toBeLessThanOrEqual(0.02);
  });
});

describe('one plain-text rule for every field that reaches a card', () => {
  const LINK = 'Operation Nightjar [Sign in again](http://evil.example)';
  const ctx = { now: new Date('2026-11-25T12:00:00Z'), timeZone: 'Europe/London', organisationIds: new Set(['gmp']), memberIds: new Set(['x']) };

  it('an operation name with a Markdown link is refused beside its field', () => {
    const r = parseOperationForm({ name: LINK }, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.name).toMatch(/plain text/);
  });

  it('the operation area, briefing, cancellation reason and outcome notes refuse markup too', () => {
    const r = parseOperationForm({ area: 'Brinnington **estate**', briefing: '<b>Meet</b> at the station' }, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.area).toMatch(/plain text/);
      expect(r.errors.briefing).toMatch(/plain text/);
    }
    const cancel = parseCancelForm({ reason: '[Sign in again](https://evil.example/login)' });
    expect(cancel.ok).toBe(false);
    if (!cancel.ok) expect(cancel.errors.reason).toMatch(/plain text/);
    const outcomes = parseOutcomesForm({ arrests: '1', warrantsExecuted: '0', premisesClosed: '0', vehiclesSeized: '0', referrals: '0', notes: 'see ${secret}' });
    expect(outcomes.ok).toBe(false);
  });

  it('"I didn\'t understand" does not echo Markdown, links or HTML into the bot\'s card', () => {
    for (const text of ['[Sign in again](https://evil.example)', '**urgent** reset your password', '<at>everyone</at> look', 'see https://evil.example']) {
      const shown = textOfCard(buildUnknownCard(text, OFFER));
      expect(shown).not.toMatch(/evil\.example|\*\*urgent|<at>|\]\(/);
      expect(shown).toMatch(/didn't understand/);
    }
    expect(textOfCard(buildUnknownCard('what time is it', OFFER))).toMatch(/"what time is it"/);
  });

  it('a partner system\'s raisedBy, shown on every channel\'s alert card, is plain text too', () => {
    const body = { severity: 'info', boroughs: ['stockport'], themeId: 'public-safety', title: 'Road closed', body: 'Diversions all day.', expiresInDays: 1 };
    expect(AlertRequestBody.safeParse({ ...body, raisedBy: 'GMP control room' }).success).toBe(true);
    expect(AlertRequestBody.safeParse({ ...body, raisedBy: '[Control room](https://evil.example)' }).success).toBe(false);
  });

  it('an error that quotes the user\'s value quotes it only when it is plain text', () => {
    const r = validateIncidentForm(
      { category: '[Sign in again](https://evil.example)', sharedWith: '**gmp-x**', risk: 'extreme' },
      { now: new Date('2026-11-25T12:00:00Z'), timeZone: 'Europe/London', organisations: [] },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.category).toBe('That is not a category on the list');
      expect(r.errors.sharedWith).toBe('That is not a partner organisation');
      expect(r.errors.risk).toBe('"extreme" is not a risk level on the list');
    }
  });

  it('every error message of the plain-text rule is itself plain text, so the renderer shows it as written', () => {
    for (const message of MARKUP_MESSAGES) {
      expect(plainTextProblem(message), message).toBeUndefined();
      expect(message).not.toMatch(/[<>*_`~[\]#]|\$\{|\{\{/);
    }
    expect(markupProblem('<b>bold</b>')?.message).toMatch(/HTML tags/);
  });
});

describe('the checks are linear and check length first', () => {
  /** The fastest of n runs: a pause for garbage collection or a busy machine is not the code's cost; a quadratic pattern is slow every time. */
  const fastestOf = (n: number, work: () => void) => {
    let best = Infinity;
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      work();
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };

  // Adversarial 64 KB inputs. Before this change the alert body check alone took 8.5 s on "[" x 65536 and 6.9 s on "a." x 32768;
  // the bounds leave room for a loaded machine (2 cores shared by many test runs), not for a quadratic pattern.
  const HOSTILE = {
    brackets: '['.repeat(65_536),
    dottedWords: 'a.'.repeat(32_768),
    letters: 'a'.repeat(65_536),
    digits: '1 '.repeat(32_768),
    capitals: 'Aa '.repeat(21_845),
    ats: 'a@'.repeat(32_768),
    titles: 'Mr '.repeat(21_845),
    linkish: '](x'.repeat(21_845),
    names: 'John '.repeat(13_107),
  };

  it.each(Object.entries(HOSTILE))('a 64 KB %s body is refused on length within 250 ms by every field check', (_name, text) => {
    const elapsed = fastestOf(3, () => {
      expect(alertBody(text).success).toBe(false);
      expect(summaryErrors(text)).toMatch(/characters/);
      expect(parseOperationForm({ name: text, area: text, briefing: text }, { now: new Date(), timeZone: 'Europe/London', organisationIds: new Set(), memberIds: new Set() }).ok).toBe(false);
      expect(parseCancelForm({ reason: text }).ok).toBe(false);
      buildUnknownCard(text, OFFER);
    });
    expect(elapsed).toBeLessThan(250);
  });

  it.each(Object.entries(HOSTILE))('the patterns themselves are linear: the largest text a field accepts (%s, 4000 characters) is checked within 40 ms', (_name, text) => {
    const slice = text.slice(0, 4000);
    const elapsed = fastestOf(5, () => {
      plainTextProblem(slice);
      personalDataMessage(slice);
      personalDataProblem(slice);
    });
    expect(elapsed).toBeLessThan(40);
  });
});
