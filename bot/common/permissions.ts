import { permits, REGISTERED, type Actor as AccessActor, type Who } from './access';
import type { BoroughId } from './borough';
import type { Member } from './member';
import type { Organisation } from './organisation';

/**
 * Who may do what: the one table. Route declarations (bot/<capability>/routes.ts)
 * name these, so the gate, the help card, the manifest and the use cases'
 * own checks (defence in depth, for callers that do not come through Teams)
 * cannot disagree.
 */
export const MAY = {
  /** Admins, and police leads (coordinators or theme leads of the police force). */
  publishPriorities: [{ roles: ['admin'] }, { roles: ['coordinator', 'themeLead'], organisationKinds: ['police'] }],
  /** Authorised staff: admins, coordinators, theme leads, and police staff. */
  raiseAlert: [{ roles: ['admin', 'coordinator', 'themeLead'] }, { organisationKinds: ['police'] }],
  manageChannels: [{ roles: ['admin'] }],
  scheduleOperations: [{ roles: ['coordinator'] }],
  /** Theme leads and admins receive digests; anyone else once an admin allows them. */
  receiveDigests: [{ roles: ['themeLead', 'admin'] }, { allowance: 'digests' }],
  allowDigests: [{ roles: ['admin'] }],
  /** Organisation approvers (their own organisation's people and join requests) and administrators (anyone's): per-person checks stay in bot/directory/rules/access.ts. */
  managePeople: [{ roles: ['orgLead'] }, { roles: ['admin'] }],
  /** Organisation approvers decide requests to see their organisation's incidents (which organisation: the use case checks). */
  decideAccessRequests: [{ roles: ['orgLead'] }],
  /** Data protection officers, and administrators (who can already see every incident): a subject's audit trail, in a private chat. */
  readAudit: [{ roles: ['dpo'] }, { roles: ['admin'] }],
  /** Any registered member: report and see incidents (subject to per-incident access), acknowledge, see operations. */
  registered: REGISTERED,
} as const satisfies Record<string, Who>;

/** Who may do what. Pure: the caller's member record and organisation decide. */
export interface Actor {
  member?: Member;
  organisation?: Organisation;
}

const may = (who: Who, a: Actor & Pick<AccessActor, 'allowances'>): boolean => permits(who, a);

export function canPublishPriorities(a: Actor): boolean {
  return may(MAY.publishPriorities, a);
}

/** For one borough: an administrator for any; a police lead for the boroughs their force polices. */
export function canPublishPrioritiesFor(a: Actor, borough: BoroughId): boolean {
  return canPublishPriorities(a) && ((a.member?.roles.includes('admin') ?? false) || (a.organisation?.boroughs.includes(borough) ?? false));
}

export function canRaiseAlert(a: Actor): boolean {
  return may(MAY.raiseAlert, a);
}

export function canManageChannels(a: Actor): boolean {
  return may(MAY.manageChannels, a);
}

/** Any registered member may acknowledge for their organisation. */
export function canAcknowledge(a: Actor): boolean {
  return may(MAY.registered, a) && a.organisation !== undefined;
}

export function canScheduleOperations(member: Member | undefined): boolean {
  return may(MAY.scheduleOperations, { member });
}

export function canReceiveDigests(roles: Member['roles'], allowedByAdmin: boolean): boolean {
  return may(MAY.receiveDigests, { member: { roles } as Member, allowances: allowedByAdmin ? new Set(['digests'] as const) : undefined });
}
