/**
 * Wall-clock time in a named time zone (Europe/London by default) to UTC and
 * back, using only Intl. Pure: no clock, no global state besides a cache of
 * formatters.
 *
 * Reporters type local times; storage holds UTC instants. Twice a year the
 * mapping is not one-to-one:
 * - last Sunday of March, 01:00–01:59 local does not exist (clocks go 01:00 GMT
 *   → 02:00 BST): such a time is refused, never silently shifted;
 * - last Sunday of October, 01:00–01:59 local happens twice (BST, then GMT):
 *   the first occurrence (BST) is taken, as a reporter remembering "1:30" most
 *   likely saw the clock before it went back. This is documented on the card.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface WallClock {
  /** YYYY-MM-DD */
  date: string;
  /** HH:mm */
  time: string;
}

function parts(utcMs: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(utcMs))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! };
}

/** Offset of the zone from UTC at an instant, in milliseconds (BST: +3 600 000). */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const p = parts(utcMs, timeZone);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** The local calendar date and time of an instant in the zone. */
export function toWallClock(instant: Date | string, timeZone = 'Europe/London'): WallClock {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  const p = parts(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return { date: `${p.y}-${two(p.mo)}-${two(p.d)}`, time: `${two(p.h)}:${two(p.mi)}` };
}

export type WallClockToUtc =
  | { ok: true; instant: Date; ambiguous: boolean }
  | { ok: false; reason: 'malformed' | 'nonexistent' };

/** A local date (YYYY-MM-DD) and time (HH:mm) in the zone as a UTC instant. */
export function fromWallClock(date: string, time: string, timeZone = 'Europe/London'): WallClockToUtc {
  const dm = DATE.exec(date);
  const tm = TIME.exec(time);
  if (!dm || !tm) return { ok: false, reason: 'malformed' };
  const [y, mo, d] = [Number(dm[1]), Number(dm[2]), Number(dm[3])];
  const [h, mi, s] = [Number(tm[1]), Number(tm[2]), Number(tm[3] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return { ok: false, reason: 'malformed' };
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 31 February into March: a date that does not round-trip does not exist.
  const check = new Date(naive);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return { ok: false, reason: 'malformed' };

  // The zone's offset is one of those in force half a day either side; try each
  // and keep the instants whose local reading is exactly what was typed.
  const offsets = [...new Set([zoneOffsetMs(naive - 12 * 3600_000, timeZone), zoneOffsetMs(naive + 12 * 3600_000, timeZone)])];
  const candidates = offsets
    .map((off) => naive - off)
    .filter((utc) => {
      const p = parts(utc, timeZone);
      return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) === naive;
    })
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first === undefined) return { ok: false, reason: 'nonexistent' };
  return { ok: true, instant: new Date(first), ambiguous: candidates.length > 1 };
}

export interface ClocksGoBack {
  /** The local hour read twice, "01:00" to "01:59" (fromWallClock takes the first). */
  from: string;
  to: string;
  /** What the zone calls its time before the change ("BST", "EDT"), or its offset where it has no short name ("GMT+11"). */
  before: string;
  /** True when `before` is only an offset. */
  offsetOnly: boolean;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * When the zone's clocks go back within half a year either side of `around`: the local times that happen twice,
 * and the name of the time in force before. Undefined for a zone that keeps one offset (UTC, Asia/Tokyo).
 */
export function clocksGoBack(timeZone: string, around: Date): ClocksGoBack | undefined {
  const start = around.getTime() - 183 * DAY;
  let before = zoneOffsetMs(start, timeZone);
  for (let t = start + DAY; t <= start + 366 * DAY; t += DAY) {
    const after = zoneOffsetMs(t, timeZone);
    if (after < before) {
      // The change lies in the day before t: narrow it to the minute.
      let lo = t - DAY;
      let hi = t;
      while (hi - lo > MINUTE) {
        const mid = lo + Math.max(MINUTE, Math.floor((hi - lo) / 2 / MINUTE) * MINUTE);
        if (zoneOffsetMs(mid, timeZone) < before) hi = mid;
        else lo = mid;
      }
      const local = (ms: number) => toWallClock(new Date(ms), 'UTC').time;
      const name = zoneName(lo, timeZone);
      return { from: local(hi + after), to: local(hi + before - MINUTE), before: name, offsetOnly: /^(GMT|UTC)[+-]/.test(name) };
    }
    before = after;
  }
  return undefined;
}

/** The zone's short name at an instant: British English first ("BST"), then American ("EDT"), else the offset. */
function zoneName(ms: number, timeZone: string): string {
  let name = '';
  for (const locale of ['en-GB', 'en-US']) {
    name = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (name && !/^(GMT|UTC)[+-]/.test(name)) return name;
  }
  return name;
}
