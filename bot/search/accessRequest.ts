import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import { accessRequestAt, fileAccessRequest, recordDecision } from './repository';
import type { Caller } from '../conversation/user';
import { personalConversationOf } from '../conversation/repository';
import { auditIncident, stableId } from '../incidents/audit';
import { writeVersion } from '../incidents/repository';
import { registered } from '../incidents/request';
import { notRegisteredCard } from '../incidents/reportForm';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import { organisationNames } from '../referenceData';
import { ConcurrencyError } from '../store/errors';
import { incidentSearchCard } from '../../cards/incidentSearch';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import type { AccessRequest } from './model';
import { verifyPageToken } from './rules/pageToken';
import { AccessAsk } from './search';
import { SEARCH_VERBS } from './verbs';
import { activeMembersOf } from '../directory/repository';

/**
 * "Request access" from a search: the caller asks the organisation that
 * holds incidents to share them. The owner's approvers (role `orgLead`)
 * get a private card and decide; approval shares exactly those incidents
 * with the requester's organisation (a new version of each, in its history)
 * and is audited per incident as a disclosure to that organisation.
 */
const APPROVER_ROLE = 'orgLead';

const isApproverOf = (caller: Caller, org: string) =>
  caller.member?.organisationId === org && (caller.member.roles as readonly string[]).includes(APPROVER_ROLE);

const Decision = z.object({ owner: z.string().min(1).max(60), id: z.string().regex(/^[a-f0-9]{24}$/) });

export async function requestAccess(ctx: AppContext, caller: Caller, data: unknown): Promise<AdaptiveCard> {
  if (!registered(caller)) return notRegisteredCard();
  const now = ctx.clock();
  const token = (data && typeof data === 'object' ? (data as { ask?: unknown }).ask : undefined) ?? '';
  const ask = verifyPageToken(ctx.config.referenceHashKey, token, caller.aadObjectId, AccessAsk, now);
  if (!ask.ok) {
    return messageCard({ title: 'That request could not be sent', text: 'The search it came from has expired or was not yours. Search again, then ask.', tone: 'attention' });
  }
  const { owner, references, what } = ask.query;
  const names = await organisationNames(ctx);
  const ownerName = names.get(owner) ?? owner;
  if (owner === caller.organisation.id) return messageCard({ title: 'Already yours', text: `Those incidents are held by your own organisation.` });

  // One request per person, owner and set of incidents: asking twice (or a double tap) creates it once.
  const id = stableId('access', caller.aadObjectId, owner, [...references].sort().join(','));
  const request: AccessRequest = {
    id,
    ownerOrg: owner,
    requester: { aadObjectId: caller.aadObjectId, displayName: caller.displayName, organisationId: caller.organisation.id },
    what,
    references,
    status: 'pending',
    createdAt: now.toISOString(),
  };
  const stored = await fileAccessRequest(ctx, request);
  if (stored.status !== 'pending') {
    return messageCard({ title: `Already ${stored.status}`, text: `${ownerName} ${stored.status} this request on ${stored.decidedAt?.slice(0, 10) ?? 'an earlier day'}.` });
  }

  const approvers = (await activeMembersOf(ctx, owner)).filter((m) => (m.roles as readonly string[]).includes(APPROVER_ROLE));
  const chats = (await Promise.all(approvers.map(async (a) => ({ a, chat: await personalConversationOf(ctx, a.aadObjectId) })))).filter((x) => x.chat);
  if (chats.length === 0) {
    return messageCard({
      title: 'Request kept, but nobody can decide it yet',
      text: `${ownerName} has no approver on Concordat yet, so your request for ${references.length} incident${references.length === 1 ? '' : 's'} (${what}) is waiting. Contact ${ownerName} directly.`,
      tone: 'warning',
    });
  }
  const card = approverCard(stored, names.get(stored.requester.organisationId) ?? stored.requester.organisationId, ownerName);
  await enqueue(
    ctx,
    `access-${id}`,
    chats.map(({ a, chat }) => ({ id: `access:${id}:${a.aadObjectId}`, target: targetOf(chat!), payload: { card, summary: `Access request from ${stored.requester.displayName}` } })),
  );
  return messageCard({
    title: 'Request sent',
    text: `${ownerName}'s approver${chats.length === 1 ? '' : 's'} will decide whether to share ${references.length} incident${references.length === 1 ? '' : 's'} (${what}) with your organisation. You will get a message here when they do.`,
    tone: 'good',
  });
}

function approverCard(r: AccessRequest, requesterOrgName: string, ownerName: string): AdaptiveCard {
  return stripInputs(incidentSearchCardFor(r, requesterOrgName, ownerName));
}

/** The approver's card has no search inputs: only the request and its two buttons. */
function incidentSearchCardFor(r: AccessRequest, requesterOrgName: string, ownerName: string): AdaptiveCard {
  return incidentSearchCard({
    title: 'Request to see incidents',
    subtitle: `${r.requester.displayName} of ${requesterOrgName} searched for ${r.what} and asks ${ownerName} to share ${r.references.length} incident${r.references.length === 1 ? '' : 's'} it holds there: ${r.references.join(', ')}. Approving shares exactly these with ${requesterOrgName}, and is recorded as a disclosure.`,
    q: '',
    from: '',
    to: '',
    rows: [],
    buttons: [
      { title: 'Approve', verb: SEARCH_VERBS.accessApprove, data: { owner: r.ownerOrg, id: r.id } },
      { title: 'Decline', verb: SEARCH_VERBS.accessDecline, data: { owner: r.ownerOrg, id: r.id } },
    ],
  });
}

function stripInputs(card: AdaptiveCard): AdaptiveCard {
  const body = (card.body as { type: string }[]).filter((e) => !e.type.startsWith('Input.') && e.type !== 'ColumnSet');
  return { ...card, body };
}

export async function decideAccessRequest(ctx: AppContext, caller: Caller, data: unknown, decision: 'approved' | 'declined'): Promise<AdaptiveCard> {
  if (!registered(caller)) return notRegisteredCard();
  const d = Decision.safeParse(data);
  if (!d.success) return messageCard({ title: 'Not a request', text: 'This card does not name an access request.', tone: 'attention' });
  const found = await accessRequestAt(ctx, d.data.owner, d.data.id);
  if (!found) return messageCard({ title: 'Request not found', text: 'This access request no longer exists.', tone: 'attention' });
  const r = found.value;
  const names = await organisationNames(ctx);
  const ownerName = names.get(r.ownerOrg) ?? r.ownerOrg;
  const requesterOrgName = names.get(r.requester.organisationId) ?? r.requester.organisationId;
  if (!isApproverOf(caller, r.ownerOrg)) {
    for (const reference of r.references) {
      await auditIncident(ctx, { action: 'refusal', actor: { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id }, reference, note: `not an approver of ${r.ownerOrg}: could not decide access request ${r.id}` });
    }
    return messageCard({ title: 'Only an approver can decide', text: `Only ${ownerName}${ownerName.endsWith('s') ? "'" : "'s"} approvers can decide requests to see its incidents.`, tone: 'attention' });
  }
  const now = ctx.clock().toISOString();
  const by = { aadObjectId: caller.aadObjectId, displayName: caller.displayName };
  // The decision is recorded first (ETag-guarded: two approvers at once, one decides); sharing follows and is idempotent.
  let decided = r;
  if (r.status === 'pending') {
    decided = await recordDecision(ctx, found, { status: decision, decidedAt: now, decidedBy: by });
  }
  if (decided.status === 'approved') {
    const actor = { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id, displayName: caller.displayName };
    for (const reference of decided.references) await shareOne(ctx, decided, reference, actor, ownerName, requesterOrgName);
  }
  if (decided.decidedBy?.aadObjectId !== caller.aadObjectId || decided.status !== decision) {
    return messageCard({ title: `Already ${decided.status}`, text: `${decided.decidedBy?.displayName ?? 'Another approver'} already ${decided.status} this request.` });
  }
  await tellRequester(ctx, decided, ownerName);
  return messageCard({
    title: decision === 'approved' ? 'Shared' : 'Declined',
    text:
      decision === 'approved'
        ? `${decided.references.length} incident${decided.references.length === 1 ? '' : 's'} now shared with ${requesterOrgName}: ${decided.references.join(', ')}. ${decided.requester.displayName} has been told.`
        : `${decided.requester.displayName} has been told that ${ownerName} declined.`,
    tone: decision === 'approved' ? 'good' : 'default',
  });
}

/** Shares one incident with the requester's organisation: a new version with its history entry, then a disclosure in the audit log. */
async function shareOne(
  ctx: AppContext,
  r: AccessRequest,
  reference: string,
  by: { aadObjectId: string; organisationId: string; displayName: string },
  ownerName: string,
  requesterOrgName: string,
): Promise<void> {
  const submissionId = `access_${r.id}`;
  const to = r.requester.organisationId;
  const result = await writeVersion(
    ctx,
    reference,
    (current) => {
      const rec = current.record;
      // Only the owner's own incidents, and only once (a retry, or shared meanwhile by other means).
      if (rec.reporter.organisationId !== r.ownerOrg || rec.sharedWith.includes(to) || rec.anonymisedAt) return undefined;
      const version = rec.version + 1;
      const at = ctx.clock().toISOString();
      return {
        record: { ...rec, sharedWith: [...rec.sharedWith, to], version, updatedAt: at },
        entry: {
          kind: 'history',
          reference,
          partitionKey: current.partitionKey,
          version,
          type: 'edit',
          at,
          by,
          changes: [{ field: 'sharedWith', from: rec.sharedWith.join(', '), to: [...rec.sharedWith, to].join(', ') }],
          submissionId,
        },
      };
    },
    { retryOnConflict: true },
  );
  const shared = result.record && result.record.reporter.organisationId === r.ownerOrg && result.record.sharedWith.includes(to);
  if (!shared) return;
  await auditIncident(ctx, {
    action: 'disclosure',
    actor: { aadObjectId: by.aadObjectId, organisationId: by.organisationId },
    reference,
    id: stableId('disclosure', r.id, reference),
    justification: `access request approved by ${by.displayName} of ${ownerName} for ${r.requester.displayName} of ${requesterOrgName} (searched: ${r.what})`,
    recipients: [to],
  });
}

async function tellRequester(ctx: AppContext, r: AccessRequest, ownerName: string): Promise<void> {
  const chat = await personalConversationOf(ctx, r.requester.aadObjectId);
  if (!chat) return;
  const card =
    r.status === 'approved'
      ? messageCard({ title: `${ownerName} shared ${r.references.length} incident${r.references.length === 1 ? '' : 's'}`, text: `You asked about ${r.what}. Open them with **incident** and the reference: ${r.references.join(', ')}.`, tone: 'good' })
      : messageCard({ title: `${ownerName} declined your request`, text: `You asked to see ${r.references.length} incident${r.references.length === 1 ? '' : 's'} about ${r.what}. Contact ${ownerName} if you need them.` });
  await enqueue(ctx, `access-${r.id}`, [{ id: `access:${r.id}:answer`, target: targetOf(chat), payload: { card, summary: `${ownerName} ${r.status} your request` } }]);
}
