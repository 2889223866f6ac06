import type { Member } from '../../common/member';
import type { AccessRequest } from '../model';

/** Who may decide or manage whom (re-exported by ./access.ts). Pure. */

const isActive = (m: Member | undefined): m is Member => !!m && m.status !== 'suspended';

/** An organisation's approvers decide its requests; administrators decide any, and those no organisation claims. */
export function mayDecide(decider: Member | undefined, request: AccessRequest): boolean {
  if (!isActive(decider)) return false;
  if (decider.roles.includes('admin')) return true;
  return request.routedTo === 'organisation' && decider.roles.includes('orgLead') && decider.organisationId === request.organisationId;
}

/** Approvers manage their own organisation's people; administrators anyone. */
export function mayManage(manager: Member | undefined, target: Pick<Member, 'organisationId'>): boolean {
  if (!isActive(manager)) return false;
  return manager.roles.includes('admin') || (manager.roles.includes('orgLead') && manager.organisationId === target.organisationId);
}
