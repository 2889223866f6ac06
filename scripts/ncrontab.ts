/**
 * NCRONTAB, the six-field cron of Azure Functions timers
 * ("{second} {minute} {hour} {day} {month} {day-of-week}"), evaluated in UTC
 * like the Functions host on Linux. Used by the dev host to fire timers.
 */
const FIELDS = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 6 },
] as const;

export type Schedule = Set<number>[];

export function parseNcrontab(expr: string): Schedule {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 6) throw new Error(`NCRONTAB "${expr}" needs six fields (second minute hour day month day-of-week)`);
  return parts.map((part, i) => {
    const f = FIELDS[i]!;
    const values = new Set<number>();
    for (const item of part.split(',')) {
      const m = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(item);
      if (!m) throw new Error(`NCRONTAB "${expr}": bad ${f.name} field "${item}"`);
      const step = m[2] ? Number(m[2]) : 1;
      let lo: number = f.min;
      let hi: number = f.max;
      if (m[1] !== '*') {
        const [a, b] = m[1]!.split('-').map(Number) as [number, number | undefined];
        lo = a;
        // "10/20" means from 10 to the end in steps of 20; a bare "10" means just 10.
        hi = b ?? (m[2] ? f.max : a);
      }
      if (lo < f.min || hi > f.max || lo > hi || step < 1) throw new Error(`NCRONTAB "${expr}": ${f.name} out of range in "${item}"`);
      for (let v = lo; v <= hi; v += step) values.add(v);
    }
    return values;
  });
}

export function matches(schedule: Schedule, at: Date): boolean {
  const values = [at.getUTCSeconds(), at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, at.getUTCDay()];
  return values.every((v, i) => schedule[i]!.has(v));
}

/** How many times a schedule fires in one UTC day, second by second (a day of the week, not the first of a month). */
export function runsPerDay(expr: string, day = Date.parse('2026-11-25T00:00:00Z')): number {
  const schedule = parseNcrontab(expr);
  let n = 0;
  for (let s = 0; s < 86_400; s++) if (matches(schedule, new Date(day + s * 1000))) n++;
  return n;
}
