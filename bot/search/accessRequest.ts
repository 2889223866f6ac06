import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import { accessRequestAt, admitAccessAsk, fileAccessRequest, recordDecision, refileAccessRequest, settleAccessAsk } from './repository';
import { ACCESS_REQUEST_LIMITS, type AskAdmission } from './rules/accessLimits';
import type { Caller } from '../conversation/user';
import { personalConversationOf } from '../conversation/repository';
import { auditIncident, stableId } from '../incidents/audit';
import { writeVersion } from '../incidents/repository/writeVersion';
import { registered } from '../incidents/request';
import { notRegisteredCard } from '../incidents/reportForm';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import { allOrganisations, organisationById, organisationNames } from '../referenceData';
import { auditPageTokenRefusal, auditRouteRefusal, refusalWindow } from '../conversation/refusalAudit';
import { possessive } from '../common/organisation';
import { INCIDENT_VERBS } from '../incidents/verbs';
import { incidentSearchCard } from '../../cards/incidentSearch';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import type { AccessRequest } from './model';
import { verifyPageToken } from './rules/pageToken';
import { AccessAsk } from './search';
import { SEARCH_VERBS } from './verbs';
import { activeMembersOf, findActiveMember } from '../directory/repository';
import { memberStanding } from '../directory/rules/tenancy';
import { formatInstant, timeZoneLabel } from '../common/dates';

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
    await auditPageTokenRefusal(ctx, { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id }, `action:${SEARCH_VERBS.accessRequest}`, 'request access', ask.reason);
    return messageCard({ title: 'That request could not be sent', text: 'The search it came from has expired or was not yours. Search again, then ask.', tone: 'attention' });
  }
  const { owner, references, what } = ask.query;
  // The directory version the caller was identified against: no storage request.
  const [names, current] = await Promise.all([organisationNames(ctx, caller), allOrganisations(ctx, caller)]);
  const ownerName = names.get(owner) ?? owner;
  if (owner === caller.organisation.id) return messageCard({ title: 'Already yours', text: `Those incidents are held by your own organisation.` });
  // An organisation that has left the concordat (its Ask button made before it did) has no approver here to decide.
  if (!current.some((o) => o.id === owner)) {
    return messageCard({
      title: `${ownerName} has left the concordat`,
      text: `${ownerName} has left the concordat, so nobody there can decide a request through Concordat, and none was sent. Contact ${ownerName} directly if you still need what it held.`,
      tone: 'attention',
    });
  }

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
  const existing = await accessRequestAt(ctx, owner, id);
  if (existing && existing.value.status !== 'pending' && existing.value.status !== 'withdrawn') return alreadyDecided(ctx, existing.value, ownerName);
  let stored: AccessRequest;
  if (existing?.value.status === 'pending') {
    // The same request again (a double tap, a retry): its approver cards are enqueued again below, once each.
    stored = existing.value;
  } else {
    // A new request (or one withdrawn, asked again): counted against the limits before anything is filed or sent.
    const admission = await admitAccessAsk(ctx, caller.aadObjectId, { id, owner });
    if (!admission.ok) {
      await auditRouteRefusal(ctx, { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id }, `action:${SEARCH_VERBS.accessRequest}`, limitReason(admission, owner));
      return limitCard(ctx, admission, ownerName);
    }
    stored = existing ? await refileAccessRequest(ctx, existing, request) : await fileAccessRequest(ctx, request);
    if (stored.status !== 'pending') return alreadyDecided(ctx, stored, ownerName);
  }

  const approvers = (await activeMembersOf(ctx, owner)).filter((m) => (m.roles as readonly string[]).includes(APPROVER_ROLE));
  const chats = (await Promise.all(approvers.map(async (a) => ({ a, chat: await personalConversationOf(ctx, a.aadObjectId) })))).filter((x) => x.chat);
  if (chats.length === 0) {
    return messageCard({
      title: 'Request kept, but nobody can decide it yet',
      text: `${ownerName} has no approver on Concordat yet, so your request (${what}) is waiting. Contact ${ownerName} directly.`,
      tone: 'warning',
    });
  }
  const card = approverCard(stored, names.get(stored.requester.organisationId) ?? stored.requester.organisationId, ownerName);
  await enqueue(
    ctx,
    `access-${id}`,
    // A request asked again after being withdrawn is a new round: its cards are new items (the outbox stores an id once).
    chats.map(({ a, chat }) => ({ id: `access:${id}:${stored.refiled ? `r${stored.refiled}:` : ''}${a.aadObjectId}`, target: targetOf(chat!), payload: { card, summary: `Access request from ${stored.requester.displayName}` } })),
  );
  return messageCard({
    title: 'Request sent',
    // Not how many: the requester learns which organisation holds incidents there, and no more, until it shares them.
    text: `${possessive(ownerName)} approver${chats.length === 1 ? '' : 's'} will decide whether to share what ${ownerName} holds there (${what}) with your organisation. You will get a message here when they do.`,
    tone: 'good',
  });
}

/** A request already decided, asked again: final for those incidents (docs/authorisation.md), so no card is sent. */
function alreadyDecided(ctx: AppContext, r: AccessRequest, ownerName: string): AdaptiveCard {
  const when = r.decidedAt ? formatInstant(r.decidedAt, ctx.config.timeZone, 'date') : 'an earlier day';
  const by = r.decidedBy ? ` (${r.decidedBy.displayName})` : '';
  return r.status === 'declined'
    ? messageCard({
        title: 'Already declined',
        text: `${ownerName} declined this request on ${when}${by}. A declined request is not sent again for the same incidents: contact ${ownerName} directly if you still need them.`,
      })
    : messageCard({ title: `Already ${r.status}`, text: `${ownerName} ${r.status} this request on ${when}${by}.` });
}

/** The audit note of a refusal by the limits: which limit, never what was asked for. */
function limitReason(a: Extract<AskAdmission, { ok: false }>, owner: string): string {
  switch (a.limit) {
    case 'waitingPerOrganisation':
      return `access request limit: ${a.count} requests waiting with ${owner}`;
    case 'waitingEverywhere':
      return `access request limit: ${a.count} requests waiting across the partnership`;
    case 'perDay':
      return `access request limit: ${a.count} requests in the last 24 hours`;
  }
}

/** What the requester is told when a limit stops a request: the limit, and when they can ask again. */
function limitCard(ctx: AppContext, a: Extract<AskAdmission, { ok: false }>, ownerName: string): AdaptiveCard {
  switch (a.limit) {
    case 'waitingPerOrganisation':
      return messageCard({
        title: `Wait for ${ownerName} to decide`,
        text: `You have ${a.count} requests waiting for ${possessive(ownerName)} approvers, the most one person can have waiting with one organisation (${ACCESS_REQUEST_LIMITS.waitingPerOrganisation}). This one was not sent. You can ask again when ${ownerName} has decided one of them: you will get a message here when they do.`,
        tone: 'warning',
      });
    case 'waitingEverywhere':
      return messageCard({
        title: 'Wait for your requests to be decided',
        text: `You have ${a.count} requests waiting across the partnership, the most one person can have waiting at once (${ACCESS_REQUEST_LIMITS.waitingEverywhere}). This one was not sent. You can ask again when one of them has been decided: you will get a message here when it is.`,
        tone: 'warning',
      });
    case 'perDay':
      return messageCard({
        title: 'Too many requests today',
        text: `You have sent ${a.count} requests in the last 24 hours, the most one person can send in a day (${ACCESS_REQUEST_LIMITS.perDay}). This one was not sent. You can ask again from ${formatInstant(a.until, ctx.config.timeZone)} (${timeZoneLabel(ctx.config.timeZone)}).`,
        tone: 'warning',
      });
  }
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
  const actor = { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id };
  const found = await accessRequestAt(ctx, d.data.owner, d.data.id);
  if (!found) {
    // A button naming a request that does not exist (invented, or edited to another organisation): a refusal of the
    // button, logged once an hour per caller, never under the invented id.
    await auditRouteRefusal(ctx, actor, `action:${decision === 'approved' ? SEARCH_VERBS.accessApprove : SEARCH_VERBS.accessDecline}`, `no access request ${d.data.id.slice(0, 24)} of ${d.data.owner.slice(0, 60)}`);
    return messageCard({ title: 'Request not found', text: 'This access request no longer exists.', tone: 'attention' });
  }
  const r = found.value;
  const names = await organisationNames(ctx, caller);
  const ownerName = names.get(r.ownerOrg) ?? r.ownerOrg;
  const requesterOrgName = names.get(r.requester.organisationId) ?? r.requester.organisationId;
  if (!isApproverOf(caller, r.ownerOrg)) {
    // Logged on each incident asked for, once per caller, request and hour: pressing the button in a loop cannot fill the log.
    const hour = String(refusalWindow(ctx.clock()));
    for (const reference of r.references) {
      await auditIncident(ctx, { action: 'refusal', actor, reference, id: stableId('access-decision-refused', caller.aadObjectId, r.id, reference, hour), note: `not an approver of ${r.ownerOrg}: could not decide access request ${r.id}` });
    }
    return messageCard({ title: 'Only an approver can decide', text: `Only ${possessive(ownerName)} approvers can decide requests to see its incidents.`, tone: 'attention' });
  }
  const now = ctx.clock().toISOString();
  const by = { aadObjectId: caller.aadObjectId, displayName: caller.displayName };
  // Shared with an organisation on one person's request: only while that person is still an active member of it.
  // Suspended, removed, moved to another organisation, or their organisation retired: nothing is shared (the
  // incidents would reach an organisation on behalf of someone no longer there), and they are told nothing.
  const requesterActive = r.status === 'withdrawn' ? false : await stillActive(ctx, r.requester);
  // The decision is recorded first (ETag-guarded: two approvers at once, one decides); sharing follows and is idempotent.
  let decided = r;
  if (r.status === 'pending') {
    const status = decision === 'approved' && !requesterActive ? 'withdrawn' : decision;
    decided = await recordDecision(ctx, found, { status, decidedAt: now, decidedBy: by });
  }
  // Once decided, the requester's place under the limits is freed (idempotent: a retry re-runs it).
  if (decided.status !== 'pending') await settleAccessAsk(ctx, decided.requester.aadObjectId, decided.id);
  if (decided.status === 'withdrawn') {
    return messageCard({
      title: 'Nothing was shared',
      text: `${decided.requester.displayName} is no longer an active member of ${requesterOrgName} (suspended, removed or moved to another organisation), so nothing was shared and the request is closed.`,
    });
  }
  // What is shared: of the incidents asked for, those still the owner's and not anonymised since (retention may have
  // erased one while the request waited). Only those are named, to the approver and to the requester.
  const shared: string[] = [];
  if (decided.status === 'approved' && requesterActive) {
    const by = { ...actor, displayName: caller.displayName };
    for (const reference of decided.references) if (await shareOne(ctx, decided, reference, by, ownerName, requesterOrgName)) shared.push(reference);
  }
  if (decided.decidedBy?.aadObjectId !== caller.aadObjectId || decided.status !== decision) {
    return messageCard({ title: `Already ${decided.status}`, text: `${decided.decidedBy?.displayName ?? 'Another approver'} already ${decided.status} this request.` });
  }
  if (requesterActive) await tellRequester(ctx, decided, ownerName, shared);
  const gone = decided.references.length - shared.length;
  return messageCard({
    title: decision === 'approved' ? 'Shared' : 'Declined',
    text:
      decision === 'approved'
        ? `${shared.length ? `${plural(shared.length)} now shared with ${requesterOrgName}: ${shared.join(', ')}.` : `Nothing was shared with ${requesterOrgName}.`}${gone ? ` ${plural(gone)} asked for ${gone === 1 ? 'was' : 'were'} anonymised or ${gone === 1 ? 'is' : 'are'} no longer ${possessive(ownerName)}, so ${gone === 1 ? 'it was' : 'they were'} not shared.` : ''} ${decided.requester.displayName} has been told.`
        : `${decided.requester.displayName} has been told that ${ownerName} declined.`,
    tone: decision === 'approved' ? 'good' : 'default',
  });
}

/** Whether the person who asked is still an active member of the organisation they asked for (one point read). */
async function stillActive(ctx: AppContext, requester: AccessRequest['requester']): Promise<boolean> {
  const member = await findActiveMember(ctx, requester.aadObjectId);
  if (!member || member.organisationId !== requester.organisationId) return false;
  return memberStanding(member, await organisationById(ctx, requester.organisationId), undefined) === undefined;
}

const plural = (n: number) => `${n} incident${n === 1 ? '' : 's'}`;

/** Shares one incident with the requester's organisation: a new version with its history entry, then a disclosure in the audit log. Whether it is shared. */
async function shareOne(
  ctx: AppContext,
  r: AccessRequest,
  reference: string,
  by: { aadObjectId: string; organisationId: string; displayName: string },
  ownerName: string,
  requesterOrgName: string,
): Promise<boolean> {
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
  if (!shared) return false;
  await auditIncident(ctx, {
    action: 'disclosure',
    actor: { aadObjectId: by.aadObjectId, organisationId: by.organisationId },
    reference,
    id: stableId('disclosure', r.id, reference),
    justification: `access request approved by ${by.displayName} of ${ownerName} for ${r.requester.displayName} of ${requesterOrgName} (searched: ${r.what})`,
    recipients: [to],
  });
  return true;
}

/** "Open STO-2026-000123" buttons on the requester's answer (Teams shows at most 6 actions on a card). */
const OPEN_BUTTONS = 5;

/** The requester's answer: on approval, the references shared (and only those: the rest stay unnamed to them). */
async function tellRequester(ctx: AppContext, r: AccessRequest, ownerName: string, shared: readonly string[]): Promise<void> {
  const chat = await personalConversationOf(ctx, r.requester.aadObjectId);
  if (!chat) return;
  const card =
    r.status === 'approved'
      ? shared.length
        ? messageCard({
            title: `${ownerName} shared ${plural(shared.length)}`,
            text: `You asked about ${r.what}. ${shared.length > OPEN_BUTTONS ? `Open the first ${OPEN_BUTTONS} here, or any of them with **incident** and its reference` : `Open ${shared.length === 1 ? 'it' : 'them'} here, or later with **incident** and the reference`}: ${shared.join(', ')}.`,
            tone: 'good',
            buttons: shared.slice(0, OPEN_BUTTONS).map((reference) => ({ title: `Open ${reference}`, verb: INCIDENT_VERBS.view, data: { reference } })),
          })
        : messageCard({ title: `${ownerName} approved, but nothing could be shared`, text: `You asked about ${r.what}. What ${ownerName} held there has since been anonymised under the retention schedule.` })
      : messageCard({ title: `${ownerName} declined your request`, text: `You asked to see what ${ownerName} holds about ${r.what}. Contact ${ownerName} if you need it.` });
  await enqueue(ctx, `access-${r.id}`, [{ id: `access:${r.id}:answer`, target: targetOf(chat), payload: { card, summary: `${ownerName} ${r.status} your request` } }]);
}
