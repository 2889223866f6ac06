/**
 * Who may do what with a joint operation. Pure: the caller's membership and
 * the operation are passed in.
 */
import type { Member } from '../../common/member';
import { canScheduleOperations } from '../../common/permissions';
import type { JointOperation } from '../model';

type Op = Pick<JointOperation, 'coordinator' | 'participants' | 'leadOrganisationId'>;

export function canSchedule(member: Member | undefined): boolean {
  return canScheduleOperations(member);
}

/** Reschedule or cancel: the coordinator who scheduled it, or an administrator. */
export function canManage(member: Member | undefined, op: Op): boolean {
  if (!member) return false;
  return member.aadObjectId === op.coordinator || member.roles.includes('admin');
}

/** The briefing is for the people taking part: participants, the coordinator and administrators. */
export function canSeeBriefing(member: Member | undefined, op: Op): boolean {
  if (!member) return false;
  return canManage(member, op) || op.participants.includes(member.aadObjectId);
}

/** The lead records outcomes: the coordinator, or a participant from the lead agency (or an administrator). */
export function canRecordOutcomes(member: Member | undefined, op: Op): boolean {
  if (!member) return false;
  if (canManage(member, op)) return true;
  return op.participants.includes(member.aadObjectId) && member.organisationId === op.leadOrganisationId;
}

/** Who is asked for outcomes: the coordinator and the lead agency's participants. */
export function outcomesRecipients(op: Op, members: ReadonlyMap<string, Pick<Member, 'organisationId'>>): string[] {
  const lead = op.participants.filter((id) => members.get(id)?.organisationId === op.leadOrganisationId);
  return [...new Set([op.coordinator, ...lead])];
}
