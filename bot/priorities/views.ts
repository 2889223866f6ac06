import { boroughById } from '../common/borough';
import { formatCalendarDate, formatInstant } from '../common/dates';
import type { PrioritiesCardData } from '../../cards/priorities';
import type { PrioritySet } from './model';

/**
 * A published version as its card shows it: areas grouped by theme in the
 * configured theme order (only `onlyThemes`, when asked), dates in the
 * configured zone. Pure.
 */
export function prioritiesCardData(
  set: PrioritySet,
  themes: readonly { id: string; name: string }[],
  publishedByOrganisation: string,
  timeZone: string,
  onlyThemes?: readonly string[],
): PrioritiesCardData {
  return {
    borough: boroughById(set.borough).name,
    boroughWord: set.borough,
    version: set.version,
    effective: formatCalendarDate(set.effectiveFrom),
    updated: set.version > 1 ? formatInstant(set.publishedAt, timeZone, 'date') : undefined,
    changeNote: set.changeNote,
    themes: themes
      .filter((t) => !onlyThemes || onlyThemes.includes(t.id))
      .map((t) => ({ name: t.name, areas: set.priorities.filter((p) => p.themeId === t.id).map((p) => (p.detail ? `${p.title} — ${p.detail}` : p.title)) }))
      .filter((t) => t.areas.length > 0),
    publishedByOrganisation,
  };
}
