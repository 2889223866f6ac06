import type { AppContext } from '../context';
import type { Member } from '../domain/member';
import type { Organisation } from '../domain/organisation';

/** Who is talking to the bot, as far as the concordat knows. Unregistered users get no roles. */
export interface Caller {
  aadObjectId?: string;
  displayName: string;
  member?: Member;
  organisation?: Organisation;
}

export async function identifyCaller(ctx: AppContext, who: { aadObjectId?: string; name?: string }): Promise<Caller> {
  const displayName = who.name?.trim() || 'there';
  if (!who.aadObjectId) return { displayName };
  const member = (await ctx.store.members.get({ partitionKey: 'member', rowKey: who.aadObjectId }))?.value;
  if (!member) return { aadObjectId: who.aadObjectId, displayName };
  const organisation = (await ctx.store.organisations.get({ partitionKey: 'org', rowKey: member.organisationId }))?.value;
  return { aadObjectId: who.aadObjectId, displayName: member.displayName, member, organisation };
}
