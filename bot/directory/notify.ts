import type { AppContext } from '../kernel/context';
import type { Member } from '../common/member';
import { personalConversationOf } from '../conversation/repository';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import type { AccessRequest } from './model';
import { allMembers, loadDirectory } from './repository';
import { requestKey } from './rules/access';
import { decisionCardFor, outcomeCard } from './views';

/**
 * What joining posts, through the outbox: the approval card to those who
 * decide, the outcome to the requester. The use cases (join.ts) decide and
 * call these; the cards come from views.ts. Every item has a fixed id derived
 * from the request, so a retried step queues nothing twice.
 */

/** Who decides a request: the organisation's approvers, else the concordat administrators. */
export async function decidersOf(ctx: AppContext, request: AccessRequest): Promise<Member[]> {
  const members = (await allMembers(ctx)).filter((m) => m.status !== 'suspended');
  if (request.routedTo === 'organisation') {
    const approvers = members.filter((m) => m.organisationId === request.organisationId && m.roles.includes('orgLead'));
    if (approvers.length) return approvers;
  }
  return members.filter((m) => m.roles.includes('admin'));
}

/** The approval card, to each decider's personal chat (where the bot has one). Returns how many were reached. */
export async function notifyDeciders(ctx: AppContext, request: AccessRequest, organisationName: string): Promise<number> {
  const deciders = await decidersOf(ctx, request);
  const directory = await loadDirectory(ctx);
  const card = decisionCardFor(request, organisationName, directory.themes.filter((t) => !t.retiredAt), ctx.config.timeZone, { open: true });
  let reached = 0;
  for (const d of deciders) {
    const chat = await personalConversationOf(ctx, d.aadObjectId);
    if (!chat) {
      ctx.log.warn('approver has no personal chat with the bot: the request waits in their "people" list', { approver: d.aadObjectId });
      continue;
    }
    await enqueue(ctx, `access.${requestKey(request)}`, [
      { id: `access.${requestKey(request)}.ask.${d.aadObjectId}`, target: targetOf(chat), payload: { card, summary: `Access request from ${request.displayName}` } },
    ]);
    reached++;
  }
  return reached;
}

/** The decision, to the requester's chat (the one they asked from, else their personal chat). */
export async function tellRequester(
  ctx: AppContext,
  request: AccessRequest,
  outcome: 'approved' | 'declined',
  detail: { organisationName: string; roles?: string[]; reason?: string },
): Promise<void> {
  const chat = request.conversation ?? (await personalConversationOf(ctx, request.aadObjectId));
  if (!chat) return;
  await enqueue(ctx, `access.${requestKey(request)}`, [
    {
      id: `access.${requestKey(request)}.${outcome}`,
      target: targetOf(chat),
      payload: { card: outcomeCard(outcome, detail), summary: outcome === 'approved' ? 'Your Concordat access is approved' : 'Your Concordat access request was declined' },
    },
  ]);
}
