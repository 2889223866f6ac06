/** How operation times read on cards: in the concordat's time zone, the way people in the region say them. */
const formatters = new Map<string, { dateTime: Intl.DateTimeFormat; time: Intl.DateTimeFormat; day: Intl.DateTimeFormat }>();

function formattersFor(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = {
      dateTime: new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
      time: new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
      day: new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
    };
    formatters.set(timeZone, f);
  }
  return f;
}

/** "Sat 28 Mar 2026, 09:00": assembled from parts, since ICU versions punctuate the whole differently. */
export function formatInstant(iso: string, timeZone: string): string {
  const p = Object.fromEntries(formattersFor(timeZone).dateTime.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`;
}

/** "Sat 28 Mar 2026, 09:00 – 16:00", or both dates when it runs past midnight. */
export function formatSpan(startsAt: string, endsAt: string, timeZone: string): string {
  const f = formattersFor(timeZone);
  const sameDay = f.day.format(new Date(startsAt)) === f.day.format(new Date(endsAt));
  return `${formatInstant(startsAt, timeZone)} – ${sameDay ? f.time.format(new Date(endsAt)) : formatInstant(endsAt, timeZone)}`;
}

/** "UK time" for Europe/London, otherwise the zone's name. */
export function timeZoneLabel(timeZone: string): string {
  return timeZone === 'Europe/London' ? 'UK time' : timeZone;
}
