import type { AppContext } from '../kernel/context';
import type { Member } from '../common/member';
import type { Organisation } from '../common/organisation';
import { identifyMember, type Standing } from '../directory/identify';

/** Who is talking to the bot, as far as the concordat knows. Unregistered users get no roles. */
export interface Caller {
  aadObjectId?: string;
  /** The Microsoft 365 tenant the activity came from. */
  tenantId?: string;
  displayName: string;
  member?: Member;
  organisation?: Organisation;
  /** Why someone with a member row is treated as unknown (suspended, signed in from another tenant, organisation retired). */
  standing?: Standing;
  /**
   * The partnership directory version this caller was identified against (its head was read for this turn): the
   * turn reads organisation names from the same version, one snapshot, without reading the head again.
   */
  directoryVersion?: number;
}

/** Read on every activity, never cached: a removal or suspension takes effect on the person's next message. */
export async function identifyCaller(ctx: AppContext, who: { aadObjectId?: string; name?: string; tenantId?: string }): Promise<Caller> {
  const displayName = who.name?.trim() || 'there';
  if (!who.aadObjectId) return { displayName };
  const found = await identifyMember(ctx, who.aadObjectId, who.tenantId);
  if (!found.member) return { aadObjectId: who.aadObjectId, tenantId: who.tenantId, displayName, ...(found.standing ? { standing: found.standing } : {}) };
  return { aadObjectId: who.aadObjectId, tenantId: who.tenantId, displayName: found.member.displayName, member: found.member, organisation: found.organisation, directoryVersion: found.directoryVersion };
}
