import { z } from 'zod';
import { lazySchema } from './lazySchema';

/**
 * Incident categories. ASB follows the National Standard for Incident
 * Recording's three categories; hate crime carries a strand.
 */
export const IncidentCategory = lazySchema(() => z.enum([
  'asb-personal',
  'asb-nuisance',
  'asb-environmental',
  'domestic-abuse',
  'hate-crime',
  'drugs',
  'criminal-damage',
  'burglary',
  'vehicle-crime',
  'weapons',
  'exploitation',
  'missing',
  'welfare',
  'other',
]));
export type IncidentCategory = z.infer<typeof IncidentCategory>;

export const CATEGORY_LABELS: Record<IncidentCategory, string> = {
  'asb-personal': 'Anti-social behaviour – personal',
  'asb-nuisance': 'Anti-social behaviour – nuisance',
  'asb-environmental': 'Anti-social behaviour – environmental',
  'domestic-abuse': 'Domestic abuse',
  'hate-crime': 'Hate crime',
  drugs: 'Drugs',
  'criminal-damage': 'Criminal damage',
  burglary: 'Burglary',
  'vehicle-crime': 'Vehicle crime (incl. e-bikes and off-road bikes)',
  weapons: 'Weapons / knife crime',
  exploitation: 'Exploitation (incl. county lines)',
  missing: 'Missing from home or care',
  welfare: 'Concern for welfare',
  other: 'Other',
};

export const HateCrimeStrand = lazySchema(() => z.enum(['race', 'religion', 'sexual-orientation', 'disability', 'transgender', 'other']));
export type HateCrimeStrand = z.infer<typeof HateCrimeStrand>;

export const ActionTaken = lazySchema(() => z.enum([
  'tenancy-warning',
  'acceptable-behaviour-agreement',
  'injunction-applied',
  'closure-notice',
  'social-care-referral',
  'reported-to-police',
  'none-yet',
]));
export type ActionTaken = z.infer<typeof ActionTaken>;

export function isAsb(category: IncidentCategory): boolean {
  return category.startsWith('asb-');
}
