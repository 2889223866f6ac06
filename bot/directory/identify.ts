import type { AppContext } from '../kernel/context';
import type { Member } from '../common/member';
import type { DirectoryOrganisation } from './model';
import { findMember, loadDirectory } from './repository';
import { memberStanding, type Standing } from './rules/tenancy';

export type { Standing };

/**
 * The member behind an activity, if they are one in good standing: row and organisation read now, never cached.
 * With them, the directory version they were identified against: the rest of the turn reads names from it.
 */
export async function identifyMember(
  ctx: Pick<AppContext, 'store' | 'log'>,
  aadObjectId: string,
  tenantId: string | undefined,
): Promise<{ member?: Member; organisation?: DirectoryOrganisation; standing?: Standing; directoryVersion?: number }> {
  const stored = await findMember(ctx, aadObjectId);
  if (!stored) return {};
  const member = stored.value;
  const directory = await loadDirectory(ctx);
  const organisation = directory.organisations.find((o) => o.id === member.organisationId);
  const standing = memberStanding(member, organisation, tenantId);
  if (standing) {
    if (standing === 'wrong-tenant') ctx.log.warn('member signed in from a tenant not theirs', { aadObjectId, tenantId, organisationId: member.organisationId });
    return { standing };
  }
  return { member, organisation, directoryVersion: directory.version };
}
