/**
 * Police references a partner may quote on an incident, validated and stored
 * in one normal form so that the same reference always compares equal.
 *
 * Accepted formats (case and spacing do not matter):
 *
 * 1. A GMP log (incident) number: `<log number> of <date>`, as quoted in
 *    public appeals: "791 of 14/04/23", "log 791 of 14/4/2023",
 *    "0791 of 14.04.23". The log number is 1–4 digits (logs restart daily);
 *    the date is day/month/year with a 2- or 4-digit year and must be a real
 *    date, not in the future.
 *    Normal form: `791 of 14/04/23`.
 * 2. A GMP crime reference: `CRI/<division code>/<number>/<yy>`, where the
 *    division code is two digits and two letters (e.g. 06AA) and the number
 *    up to 7 digits: "CRI/06AA/0012345/26", "cri 06aa 12345 26", or the
 *    compact "06AA0012345/26". The year may not be after the current year.
 *    Normal form: `CRI/06AA/0012345/26` (number padded to 7 digits).
 *
 * Anything else is refused with a message listing both formats: a reference
 * typed wrongly is worse than none, since it cannot be matched later.
 */
export type PoliceReference = { kind: 'log' | 'crime'; normalised: string };

export const POLICE_REFERENCE_HELP = 'a log number such as "791 of 14/04/23" or a crime reference such as "CRI/06AA/0012345/26"';

const LOG = /^(?:log\s*(?:no\.?|number)?\s*)?(\d{1,4})\s+of\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/i;
const CRIME = /^(?:cri[\s/-]*)?(\d{2}[a-z]{2})[\s/-]*(\d{1,7})[\s/-]+(\d{2})$/i;

export function parsePoliceReference(text: string, now: Date): { ok: true; value: PoliceReference } | { ok: false; message: string } {
  const t = text.trim().replace(/\s+/g, ' ');
  const two = (n: number) => String(n).padStart(2, '0');

  const log = LOG.exec(t);
  if (log) {
    const [num, d, m, yRaw] = [Number(log[1]), Number(log[2]), Number(log[3]), log[4]!];
    const y = yRaw.length === 2 ? 2000 + Number(yRaw) : Number(yRaw);
    const date = new Date(Date.UTC(y, m - 1, d));
    if (num === 0) return { ok: false, message: 'the log number cannot be 0' };
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
      return { ok: false, message: `${d}/${m}/${yRaw} in the log number is not a real date` };
    }
    // Compared by calendar day with a day's grace: the log's date is local.
    if (date.getTime() > now.getTime() + 86_400_000) return { ok: false, message: 'the log number\'s date is in the future' };
    return { ok: true, value: { kind: 'log', normalised: `${num} of ${two(d)}/${two(m)}/${two(y % 100)}` } };
  }

  const crime = CRIME.exec(t);
  if (crime) {
    const yy = Number(crime[3]);
    if (2000 + yy > now.getUTCFullYear()) return { ok: false, message: `the crime reference's year (${crime[3]}) is in the future` };
    if (Number(crime[2]) === 0) return { ok: false, message: 'the crime number cannot be 0' };
    return {
      ok: true,
      value: { kind: 'crime', normalised: `CRI/${crime[1]!.toUpperCase()}/${crime[2]!.padStart(7, '0')}/${crime[3]}` },
    };
  }
  return { ok: false, message: `not a police reference we recognise: use ${POLICE_REFERENCE_HELP}` };
}
