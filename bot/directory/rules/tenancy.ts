import type { Member } from '../../common/member';
import type { DirectoryOrganisation } from '../model';

/**
 * Partner tenants. Pure. Concordat serves the tenants its directory lists;
 * a member is who they are only when signed in from their own
 * organisation's tenant (and, where known, the tenant they joined from).
 */
export type Standing = 'suspended' | 'wrong-tenant' | 'organisation-retired';

export function tenantListed(organisations: DirectoryOrganisation[], tenantId: string): boolean {
  const t = tenantId.toLowerCase();
  return organisations.some((o) => !o.retiredAt && o.tenantIds.includes(t));
}

export function memberStanding(member: Member, organisation: DirectoryOrganisation | undefined, tenantId: string | undefined): Standing | undefined {
  if (member.status === 'suspended') return 'suspended';
  if (!organisation || organisation.retiredAt) return 'organisation-retired';
  if (tenantId === undefined) return undefined;
  const t = tenantId.toLowerCase();
  if (!organisation.tenantIds.includes(t)) return 'wrong-tenant';
  if (member.tenantId && member.tenantId.toLowerCase() !== t) return 'wrong-tenant';
  return undefined;
}

/** The organisation(s) a newcomer probably belongs to: by e-mail domain first (precise), else by tenant. */
export function proposeOrganisations(organisations: DirectoryOrganisation[], tenantId: string, email?: string): DirectoryOrganisation[] {
  const current = organisations.filter((o) => !o.retiredAt);
  const domain = email?.split('@')[1]?.toLowerCase();
  if (domain) {
    const byDomain = current.filter((o) => o.emailDomains.some((d) => domain === d || domain.endsWith(`.${d}`)));
    const inTenant = byDomain.filter((o) => o.tenantIds.includes(tenantId.toLowerCase()));
    if (inTenant.length) return inTenant;
  }
  return current.filter((o) => o.tenantIds.includes(tenantId.toLowerCase()));
}
