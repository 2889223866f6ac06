import type { DigestCardFigures } from '../../cards/digest';
import { OPERATION_TYPE_LABELS, OUTCOME_COUNTS, OUTCOME_LABELS } from '../operations/model';
import { formatCalendarDate, formatInstant } from '../common/dates';
import type { ThemeDigestFigures } from './rules/digest';

/** The digest rules' figures as the digest card shows them. No I/O. */

/** Figures → card data: operation types and outcomes in words, start times in the configured zone. */
export function digestCardFigures(f: ThemeDigestFigures, timeZone: string): DigestCardFigures {
  return {
    ...f,
    operations: {
      completed: f.operations.completed,
      awaitingOutcomes: f.operations.awaitingOutcomes,
      outcomes: OUTCOME_COUNTS.map((k) => ({ label: OUTCOME_LABELS[k], count: f.operations.totals[k] })),
      upcoming: f.operations.upcoming.map((o) => ({
        typeLabel: OPERATION_TYPE_LABELS[o.type],
        borough: o.borough,
        area: o.area,
        startsAt: formatInstant(o.startsAt, timeZone, 'dayTime'),
      })),
    },
  };
}

/** "19 Oct – 25 Oct 2026" for the week starting on a Monday (calendar dates); ", to Sun 25 Oct 21:30" when it stops before the week ends. */
export function periodText(monday: string, sunday: string, timeZone: string, upTo?: Date): string {
  return `${formatCalendarDate(monday, 'dayMonth')} – ${formatCalendarDate(sunday, 'dayMonthYear')}${upTo ? `, to ${formatInstant(upTo, timeZone, 'dayTime')}` : ''}`;
}
