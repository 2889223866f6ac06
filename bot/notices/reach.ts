import type { AppContext } from '../kernel/context';
import { installedTeamTenants, personalConversationOf } from '../conversation/repository';
import type { ConversationReference } from '../conversation/model';
import { decideReach, type PrivateReach } from './rules/reach';

type Personal = Extract<ConversationReference, { kind: 'personal' }>;

/**
 * The tenants the bot is installed in teams of: the host tenant of the
 * deployment (docs/deploy.md "Partner tenants"). Read from the channel
 * installations the store records, plus the tenant the bot is registered in.
 */
export async function hostTenants(ctx: AppContext): Promise<Set<string>> {
  const tenants = await installedTeamTenants(ctx);
  if (ctx.config.mode === 'production') tenants.add(ctx.config.bot.tenantId);
  return tenants;
}

/** How private views reach this person now: their personal chat, or in place (see rules/reach.ts). Read every time, never cached. */
export async function privateReachOf(ctx: AppContext, person: { aadObjectId: string; tenantId?: string }): Promise<PrivateReach<Personal>> {
  const chat = await personalConversationOf(ctx, person.aadObjectId);
  if (chat) return { kind: 'chat', chat };
  return decideReach<Personal>({ chat: undefined, memberTenantId: person.tenantId, hostTenants: await hostTenants(ctx) });
}
