import type { IncidentCategory } from '../../common/taxonomy';

/**
 * Which incident categories each theme's digest counts. Configuration, kept
 * pure and in one place: the themes themselves are stored (a later plan has
 * three), so a theme missing here simply has no incident figures in its
 * digest (alerts, joint operations and priorities still appear).
 *
 * A category may belong to several themes (drugs and exploitation are both
 * vulnerability and organised crime; weapons are both public safety and
 * organised crime): each theme lead sees it in their own digest.
 *
 * | theme                | categories |
 * |----------------------|------------|
 * | public-safety        | ASB (personal, nuisance, environmental), criminal damage, burglary, vehicle crime, weapons, other |
 * | vulnerable-people    | domestic abuse, hate crime, missing, welfare, exploitation, drugs |
 * | organised-crime      | drugs, exploitation, weapons |
 * | transforming-justice | burglary, vehicle crime, criminal damage, domestic abuse (acquisitive and repeat offending, victims) |
 * | prevent              | hate crime |
 */
export const THEME_CATEGORIES: Readonly<Record<string, readonly IncidentCategory[]>> = {
  'public-safety': ['asb-personal', 'asb-nuisance', 'asb-environmental', 'criminal-damage', 'burglary', 'vehicle-crime', 'weapons', 'other'],
  'vulnerable-people': ['domestic-abuse', 'hate-crime', 'missing', 'welfare', 'exploitation', 'drugs'],
  'organised-crime': ['drugs', 'exploitation', 'weapons'],
  'transforming-justice': ['burglary', 'vehicle-crime', 'criminal-damage', 'domestic-abuse'],
  prevent: ['hate-crime'],
};

export function categoriesOfTheme(themeId: string): readonly IncidentCategory[] {
  // Own keys only: a theme named like an Object member ("constructor") has no categories.
  return Object.hasOwn(THEME_CATEGORIES, themeId) ? THEME_CATEGORIES[themeId]! : [];
}
