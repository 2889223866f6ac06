import { z } from 'zod';
import { BoroughId } from '../../common/borough';
import { PostcodeDistrictInput, ProtectiveMarking, RiskLevel } from '../../common/common';
import { referenceProblem } from './complaintReference';
import { parsePoliceReference, POLICE_REFERENCE_HELP } from './policeReference';
import { ActionTaken, HateCrimeStrand, IncidentCategory } from '../../common/taxonomy';
import { markupProblem, personalDataProblem, quoteForCard as quoted } from '../../common/plainText';
import { fromWallClock, toWallClock } from '../../common/timezone';
import { fieldErrors } from '../../common/formErrors';

/**
 * The incident card's form: what arrives from the Input.* elements (strings,
 * or whatever a misbehaving client sends), checked field by field so that
 * every problem can be shown next to its field. Pure.
 */
export const FORM_FIELDS = [
  'category',
  'hateCrimeStrand',
  'borough',
  'area',
  'postcodeDistrict',
  'fullAddress',
  'occurredDate',
  'occurredTime',
  'summary',
  'details',
  'householdReference',
  'victims',
  'suspects',
  'witnesses',
  'vulnerablePerson',
  'childrenPresent',
  'policeReference',
  'risk',
  'actions',
  'sharedWith',
  'marking',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];
export type FormValues = Record<FormField, string>;
export type FormErrors = Partial<Record<FormField, string>>;

export const LIMITS = { area: 80, fullAddress: 200, summaryMin: 10, summary: 1000, details: 4000, policeReference: 40, count: 999 } as const;
/** An incident older than this is a matter for the police directly: it would soon fall to retention anyway. */
export const OLDEST_REPORTABLE_DAYS = 365;

export interface IncidentDraft {
  category: IncidentCategory;
  hateCrimeStrand?: HateCrimeStrand;
  borough: BoroughId;
  area: string;
  postcodeDistrict: string;
  fullAddress?: string;
  occurredAt: string;
  summary: string;
  details?: string;
  /** The landlord's tenancy or case reference (restricted; matched only as a keyed hash). */
  householdReference?: string;
  people: { victims: number; suspects: number; witnesses: number; vulnerablePerson: boolean; childrenPresent: boolean };
  policeReference?: string;
  risk: RiskLevel;
  actions: ActionTaken[];
  sharedWith: string[];
  marking: ProtectiveMarking;
}

export interface FormEnvironment {
  now: Date;
  timeZone: string;
  /** Organisations that exist: share-with must name these. Police are always added. */
  organisations: readonly { id: string; kind: string }[];
  /**
   * Editing a stored incident: the same date and time as stored keep the stored instant (it may carry
   * seconds the form does not show); a corrected one must be no later than when it was reported and no
   * more than OLDEST_REPORTABLE_DAYS before it.
   */
  editing?: { occurredAt: string; reportedAt: string };
}

/** Text, or nothing; anything else a client sends is a wrong type for that field. */
const text = (label: string) =>
  z.preprocess(
    (v) => (v === undefined || v === null ? '' : typeof v === 'number' || typeof v === 'boolean' ? v : v),
    z.string({ invalid_type_error: `${label} must be text` }).transform((s) => s.trim()),
  );

/** A multi-select arrives as "a,b,c" (or, from some clients, an array). */
const list = (label: string) =>
  z.preprocess(
    (v) => (v === undefined || v === null ? [] : typeof v === 'string' ? v.split(',') : v),
    z.array(z.string({ invalid_type_error: `${label}: unexpected value` }), { invalid_type_error: `${label}: unexpected value` })
      .transform((a) => [...new Set(a.map((s) => s.trim()).filter(Boolean))]),
  );

const flag = (label: string) =>
  z.preprocess(
    (v) => (v === undefined || v === null || v === '' ? 'false' : typeof v === 'boolean' ? String(v) : v),
    z.enum(['true', 'false'], { errorMap: () => ({ message: `${label}: tick the box or leave it empty` }) }).transform((s) => s === 'true'),
  );

const countOf = (label: string) =>
  z.preprocess(
    (v) => (v === undefined || v === null || v === '' ? '0' : typeof v === 'number' ? String(v) : v),
    z
      .string({ invalid_type_error: `${label}: enter a whole number from 0 to ${LIMITS.count}` })
      .trim()
      .regex(/^\d{1,3}$/, `${label}: enter a whole number from 0 to ${LIMITS.count}`)
      .transform(Number),
  );

const freeText = (label: string, max: number, opts: { required?: number; personalData?: boolean } = {}) =>
  text(label).superRefine((s, c) => {
    if (opts.required !== undefined && s.length === 0) return c.addIssue({ code: 'custom', message: `${label} is required` });
    // Every other problem is reported together, so one submit shows them all.
    if (opts.required !== undefined && s.length < opts.required) {
      c.addIssue({ code: 'custom', message: `${label} needs at least ${opts.required} characters` });
    }
    // Over-long text is refused before any pattern runs on it.
    if (s.length > max) return c.addIssue({ code: 'custom', message: `${label} is ${s.length} characters long; the most is ${max}` });
    const markup = markupProblem(s);
    if (markup) c.addIssue({ code: 'custom', message: `${label}: ${markup.message}` });
    const personal = opts.personalData ? personalDataProblem(s) : undefined;
    if (personal) c.addIssue({ code: 'custom', message: personal.message });
  });

const choice = <T extends [string, ...string[]]>(label: string, values: z.ZodEnum<T>, opts: { optional?: boolean } = {}) =>
  text(label).pipe(
    z.string().superRefine((s, c) => {
      if (s === '' && opts.optional) return;
      if (s === '') return c.addIssue({ code: 'custom', message: `Choose a ${label.toLowerCase()}` });
      if (!values.options.includes(s)) c.addIssue({ code: 'custom', message: `${quoted(s)} is not a ${label.toLowerCase()} on the list` });
    }),
  ).transform((s) => (s === '' ? undefined : (s as T[number])));

const RawForm = z.object({
  category: choice('Category', IncidentCategory),
  hateCrimeStrand: choice('Hate crime strand', HateCrimeStrand, { optional: true }),
  borough: choice('Borough', BoroughId),
  area: freeText('Area or estate', LIMITS.area, { required: 2, personalData: true }),
  postcodeDistrict: text('Postcode district').pipe(
    z.string().min(1, 'Enter the first half of the postcode, such as SK8').max(4, 'Only the first half of the postcode, such as SK8').pipe(PostcodeDistrictInput),
  ),
  fullAddress: freeText('Full address', LIMITS.fullAddress),
  occurredDate: text('Date').pipe(z.string().min(1, 'Enter the date it happened')),
  occurredTime: text('Time').pipe(z.string().min(1, 'Enter the time it happened (roughly is fine)')),
  summary: freeText('Summary', LIMITS.summary, { required: LIMITS.summaryMin, personalData: true }),
  details: freeText('Restricted details', LIMITS.details),
  householdReference: text('Household or complainant reference').superRefine((s, c) => {
    const problem = referenceProblem(s);
    if (problem) c.addIssue({ code: 'custom', message: problem });
  }),
  victims: countOf('Victims'),
  suspects: countOf('Suspects'),
  witnesses: countOf('Witnesses'),
  vulnerablePerson: flag('Vulnerable person'),
  childrenPresent: flag('Children present'),
  policeReference: text('Police reference').pipe(z.string().max(LIMITS.policeReference, `Police reference: the longest accepted is ${LIMITS.policeReference} characters`)),
  risk: choice('Risk level', RiskLevel),
  actions: list('Actions taken'),
  sharedWith: list('Share with'),
  marking: choice('Protective marking', ProtectiveMarking),
});

export type FormResult = { ok: true; draft: IncidentDraft } | { ok: false; errors: FormErrors };

/** Every problem with a submitted form, one message per field; or the draft it describes. */
export function validateIncidentForm(raw: unknown, env: FormEnvironment): FormResult {
  const input = raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
  const parsed = RawForm.safeParse(input);
  const errors: FormErrors = parsed.success ? {} : fieldErrors(parsed.error, FORM_FIELDS).fields;
  // Cross-field and environment checks run on whatever fields did parse, so a
  // user sees every problem at once rather than one round trip per field.
  const f = parsed.success ? parsed.data : partialParse(input);

  if (f.category === 'hate-crime' && !f.hateCrimeStrand && !errors.hateCrimeStrand) {
    errors.hateCrimeStrand = 'A hate crime needs its strand (race, religion, …)';
  }
  if (f.category && f.category !== 'hate-crime' && f.hateCrimeStrand && !errors.hateCrimeStrand) {
    errors.hateCrimeStrand = 'Only a hate crime has a strand: clear it, or choose Hate crime as the category';
  }

  let occurredAt: string | undefined;
  if (f.occurredDate && f.occurredTime && !errors.occurredDate && !errors.occurredTime) {
    const t = fromWallClock(f.occurredDate, f.occurredTime, env.timeZone);
    const stored = env.editing && toWallClock(env.editing.occurredAt, env.timeZone);
    const reportedAt = env.editing ? Date.parse(env.editing.reportedAt) : undefined;
    if (stored && stored.date === f.occurredDate && stored.time === f.occurredTime.slice(0, 5)) {
      occurredAt = env.editing!.occurredAt;
    } else if (!t.ok && t.reason === 'nonexistent') {
      errors.occurredTime = `${f.occurredTime} did not happen on ${f.occurredDate}: the clocks went forward an hour. Use a time from 02:00`;
    } else if (!t.ok) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(f.occurredDate) || !fromWallClock(f.occurredDate, '12:00', env.timeZone).ok) errors.occurredDate = 'Enter a real date, such as 2026-11-25';
      else errors.occurredTime = 'Enter a time such as 21:30';
    } else if (t.instant.getTime() > env.now.getTime() + 60_000) {
      errors.occurredDate = 'It cannot have happened in the future: check the date and time';
    } else if (reportedAt !== undefined && t.instant.getTime() > reportedAt + 60_000) {
      const r = toWallClock(env.editing!.reportedAt, env.timeZone);
      errors.occurredDate = `It was reported on ${r.date} at ${r.time}, so it cannot have happened later: check the date and time`;
    } else if (t.instant.getTime() < (reportedAt ?? env.now.getTime()) - OLDEST_REPORTABLE_DAYS * 86_400_000) {
      errors.occurredDate = env.editing
        ? `That is more than ${OLDEST_REPORTABLE_DAYS} days before it was reported: check the year`
        : `That is more than ${OLDEST_REPORTABLE_DAYS} days ago: report older matters to the police directly`;
    } else {
      // Within the minute's grace above: a clock a little ahead means "just now", and a report cannot be stored as
      // happening after it was reported (IncidentSummary's invariant).
      occurredAt = new Date(Math.min(t.instant.getTime(), reportedAt ?? env.now.getTime(), env.now.getTime())).toISOString();
    }
  }

  const actions = (f.actions ?? []) as string[];
  const unknownAction = actions.find((a) => !ActionTaken.options.includes(a as ActionTaken));
  if (!errors.actions) {
    if (unknownAction) errors.actions = `${quoted(unknownAction)} is not an action on the list`;
    else if (actions.length === 0) errors.actions = 'Choose what has been done so far, or "None yet"';
    else if (actions.includes('none-yet') && actions.length > 1) errors.actions = '"None yet" cannot be combined with actions taken';
  }

  const known = new Map(env.organisations.map((o) => [o.id, o]));
  const shared = (f.sharedWith ?? []) as string[];
  const unknownOrg = shared.find((id) => !known.has(id));
  if (!errors.sharedWith && unknownOrg) errors.sharedWith = `${quoted(unknownOrg)} is not a partner organisation`;

  let policeReference: string | undefined;
  if (!errors.policeReference && f.policeReference) {
    const p = parsePoliceReference(f.policeReference, env.now);
    if (p.ok) policeReference = p.value.normalised;
    else errors.policeReference = p.message.charAt(0).toUpperCase() + p.message.slice(1);
  }

  if (Object.keys(errors).length > 0 || !parsed.success || !occurredAt) {
    if (!occurredAt && Object.keys(errors).length === 0) errors.occurredDate = 'Enter when it happened';
    return { ok: false, errors };
  }
  const d = parsed.data;
  // Police always see incidents; listing them keeps the record honest about who can.
  const police = env.organisations.filter((o) => o.kind === 'police').map((o) => o.id);
  return {
    ok: true,
    draft: {
      category: d.category!,
      hateCrimeStrand: d.hateCrimeStrand,
      borough: d.borough!,
      area: d.area,
      postcodeDistrict: d.postcodeDistrict,
      fullAddress: d.fullAddress || undefined,
      occurredAt,
      summary: d.summary,
      details: d.details || undefined,
      householdReference: d.householdReference || undefined,
      people: { victims: d.victims, suspects: d.suspects, witnesses: d.witnesses, vulnerablePerson: d.vulnerablePerson, childrenPresent: d.childrenPresent },
      policeReference,
      risk: d.risk!,
      actions: actions as ActionTaken[],
      sharedWith: [...new Set([...police, ...shared])],
      marking: d.marking!,
    },
  };
}

/** The fields that did parse, for cross-field checks when others did not. */
function partialParse(input: object): Partial<z.output<typeof RawForm>> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(RawForm.shape)) {
    const r = (schema as z.ZodTypeAny).safeParse((input as Record<string, unknown>)[key]);
    if (r.success) out[key] = r.data;
  }
  return out as Partial<z.output<typeof RawForm>>;
}

/** What the user typed, as strings for the card's inputs, so a bad submission comes back with everything kept. */
export function formValuesOf(raw: unknown, defaults: Partial<FormValues> = {}): FormValues {
  const input = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const out = {} as FormValues;
  for (const field of FORM_FIELDS) {
    const v = input[field];
    out[field] =
      typeof v === 'string' ? v.slice(0, 5000)
      : typeof v === 'number' || typeof v === 'boolean' ? String(v)
      : Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(',')
      : defaults[field] ?? '';
  }
  return out;
}

export { POLICE_REFERENCE_HELP };
