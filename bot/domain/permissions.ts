import type { Member } from './member';
import type { Organisation } from './organisation';

/** Who may do what. Pure: the caller's member record and organisation decide. */
export interface Actor {
  member?: Member;
  organisation?: Organisation;
}

const has = (a: Actor, role: Member['roles'][number]) => a.member?.roles.includes(role) ?? false;
const isPolice = (a: Actor) => a.organisation?.kind === 'police';

/** Admins, and police leads (coordinators or theme leads of the police force). */
export function canPublishPriorities(a: Actor): boolean {
  return has(a, 'admin') || (isPolice(a) && (has(a, 'coordinator') || has(a, 'themeLead')));
}

/** Authorised staff: admins, coordinators, theme leads, and police staff. */
export function canRaiseAlert(a: Actor): boolean {
  return a.member !== undefined && (has(a, 'admin') || has(a, 'coordinator') || has(a, 'themeLead') || isPolice(a));
}

export function canManageChannels(a: Actor): boolean {
  return has(a, 'admin');
}

/** Any registered member may acknowledge for their organisation. */
export function canAcknowledge(a: Actor): boolean {
  return a.member !== undefined && a.organisation !== undefined;
}
