import type { BoroughId } from '../common/borough';
import type { Organisation, OrganisationKind } from '../common/organisation';

/**
 * What a partner system's key may do: only what its organisation may do, and
 * only where it works. A key names one organisation (PARTNER_KEYS); the
 * capability is checked against that organisation's stored record, before the
 * use case runs. The people a request names (publishedBy) are checked by the
 * same rules as on the card (bot/common/permissions.ts).
 */
export const PARTNER_MAY = {
  /** Policing priorities come from the police, for the boroughs the force polices. */
  publishPriorities: { organisationKinds: ['police'], ownBoroughs: true },
  /** As on the card, where police staff may raise alerts: a force's systems may, for its boroughs. */
  raiseAlert: { organisationKinds: ['police'], ownBoroughs: true },
} as const satisfies Record<string, { organisationKinds: readonly OrganisationKind[]; ownBoroughs: boolean }>;
export type PartnerCapability = keyof typeof PARTNER_MAY;

const WHAT: Record<PartnerCapability, string> = { publishPriorities: 'publish policing priorities', raiseAlert: 'raise alerts' };

/** undefined: allowed. Otherwise why not, in words for the 403 body. Pure. */
export function partnerRefusal(capability: PartnerCapability, organisation: Organisation | undefined, boroughs: readonly BoroughId[]): string | undefined {
  const rule = PARTNER_MAY[capability];
  if (!organisation) return `this partner key's organisation is not in the directory, so it may not ${WHAT[capability]}`;
  if (!(rule.organisationKinds as readonly OrganisationKind[]).includes(organisation.kind)) {
    return `${organisation.name} may not ${WHAT[capability]}: only ${rule.organisationKinds.join(', ')} partners may`;
  }
  const outside = rule.ownBoroughs ? boroughs.filter((b) => !organisation.boroughs.includes(b)) : [];
  if (outside.length > 0) return `${organisation.name} may ${WHAT[capability]} only for the boroughs it serves, not ${outside.join(', ')}`;
  return undefined;
}
