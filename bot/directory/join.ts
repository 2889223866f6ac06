import type { AppContext } from '../kernel/context';
import type { ConversationReference } from '../conversation/model';
import type { Member } from '../common/member';
import type { Caller } from '../conversation/user';
import { ConcurrencyError } from '../store/errors';
import { auditDirectory } from './audit';
import type { AccessRequest } from './model';
import { notifyDeciders, tellRequester } from './notify';
import { allMembers, deleteMember, findMember, findRequest, loadDirectory, putMember, putRequest } from './repository';
import type { AccessState, DecisionResult, RequestResult } from './results';
import { mayDecide, parseGrant, RequestForm, requestKey } from './rules/access';
import { plainTextProblem } from '../common/plainText';
import { proposeOrganisations } from './rules/tenancy';

/**
 * Joining: someone the directory does not know asks for access; an approver
 * of the organisation they name (or an administrator, when no organisation
 * claims their tenant or e-mail domain) approves with roles or declines with
 * a reason; the requester hears the outcome in their chat. Every step is
 * audited. Use cases return results (results.ts); views.ts makes the cards,
 * notify.ts posts them.
 */

/** What someone who is not (or no longer) a member in good standing sees. */
export async function accessStateOf(ctx: AppContext, caller: Caller, email?: string): Promise<AccessState> {
  if (caller.standing === 'suspended') return { kind: 'suspended' };
  if (caller.standing === 'wrong-tenant') return { kind: 'wrong-tenant' };
  if (caller.standing === 'organisation-retired') return { kind: 'organisation-retired' };
  const directory = await loadDirectory(ctx);
  const organisations = directory.organisations.filter((o) => !o.retiredAt);
  if (caller.aadObjectId) {
    const request = (await findRequest(ctx, caller.aadObjectId))?.value;
    if (request?.status === 'pending') {
      return { kind: 'pending', request, organisationName: organisations.find((o) => o.id === request.organisationId)?.name ?? 'the concordat' };
    }
  }
  return { kind: 'ask', organisations, proposed: caller.tenantId ? proposeOrganisations(organisations, caller.tenantId, email) : [] };
}

/** "Ask for access" pressed: the request is stored, audited, and its approval card queued to each approver. */
export async function requestAccess(ctx: AppContext, caller: Caller, data: unknown, conversation: ConversationReference, email?: string): Promise<RequestResult> {
  if (caller.member) return { kind: 'not-needed', state: { kind: 'member' } };
  const state = await accessStateOf(ctx, caller, email);
  if (state.kind !== 'ask' || !caller.aadObjectId || !caller.tenantId) return { kind: 'not-needed', state };
  const raw = (data ?? {}) as Record<string, unknown>;
  const values = Object.fromEntries(['organisationId', 'role', 'jobTitle', 'reason'].map((k) => [k, typeof raw[k] === 'string' ? (raw[k] as string).slice(0, 600) : '']));
  const parsed = RequestForm.safeParse(values);
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
  const organisation = state.organisations.find((o) => o.id === values.organisationId);
  if (values.organisationId && !organisation) errors.organisationId = 'Choose your organisation from the list';
  if (!parsed.success || !organisation) return { kind: 'invalid', errors, values, state };

  // Claimed: the organisation's own tenant (or domain) and it has an approver. Otherwise the administrators decide.
  const claimed = state.proposed.some((o) => o.id === organisation.id);
  const approvers = claimed ? (await allMembers(ctx)).filter((m) => m.status !== 'suspended' && m.organisationId === organisation.id && m.roles.includes('orgLead')) : [];
  const request: AccessRequest = {
    aadObjectId: caller.aadObjectId,
    tenantId: caller.tenantId.toLowerCase(),
    displayName: caller.displayName.slice(0, 120),
    ...(email ? { email: email.slice(0, 254) } : {}),
    organisationId: organisation.id,
    routedTo: approvers.length ? 'organisation' : 'administrators',
    role: parsed.data.role,
    ...(parsed.data.jobTitle ? { jobTitle: parsed.data.jobTitle } : {}),
    reason: parsed.data.reason,
    requestedAt: ctx.clock().toISOString(),
    status: 'pending',
    conversation,
  };
  const existing = await findRequest(ctx, caller.aadObjectId);
  if (existing?.value.status === 'pending') return { kind: 'not-needed', state: { kind: 'pending', request: existing.value, organisationName: organisation.name } };
  try {
    await putRequest(ctx, request, existing?.etag);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    // A double click: the first press stored it.
    const now = (await findRequest(ctx, caller.aadObjectId))?.value;
    return { kind: 'not-needed', state: now?.status === 'pending' ? { kind: 'pending', request: now, organisationName: organisation.name } : state };
  }
  await auditDirectory(ctx, {
    id: `request-${requestKey(request)}`,
    at: request.requestedAt,
    action: 'collection',
    actor: { aadObjectId: caller.aadObjectId },
    subject: { type: 'access-request', id: caller.aadObjectId },
    note: `asked to join ${organisation.id} as ${request.role}; routed to ${request.routedTo === 'organisation' ? `${organisation.id} approvers` : 'concordat administrators'}`,
  });
  const notified = await notifyDeciders(ctx, request, organisation.name);
  return { kind: 'sent', request, organisationName: organisation.name, notified };
}

async function loadForDecision(ctx: AppContext, caller: Caller, data: unknown) {
  const requester = typeof (data as { requester?: unknown } | null)?.requester === 'string' ? String((data as { requester: string }).requester).slice(0, 64) : '';
  const stored = requester ? await findRequest(ctx, requester) : undefined;
  if (!stored) return { kind: 'missing' as const };
  const directory = await loadDirectory(ctx);
  const organisationName = directory.organisations.find((o) => o.id === stored.value.organisationId)?.name ?? 'an unknown organisation';
  if (!mayDecide(caller.member, stored.value)) {
    await auditDirectory(ctx, {
      action: 'refusal',
      actor: caller.aadObjectId ? { aadObjectId: caller.aadObjectId, organisationId: caller.member?.organisationId } : 'system',
      subject: { type: 'access-request', id: stored.value.aadObjectId },
      note: `not an approver of ${stored.value.organisationId} (nor an administrator): may not decide this request`,
    });
    return { kind: 'refused' as const, request: stored.value, organisationName };
  }
  return { kind: 'ok' as const, stored, directory, organisationName };
}

/** Approve: the member row is written, the decision audited and the requester told, then the request marked decided. */
export async function approveRequest(ctx: AppContext, caller: Caller, data: unknown): Promise<DecisionResult> {
  const loaded = await loadForDecision(ctx, caller, data);
  if (loaded.kind !== 'ok') return loaded;
  const { stored, directory, organisationName } = loaded;
  const request = stored.value;
  if (request.status !== 'pending') return { kind: 'decided', request, organisationName, already: true };
  const raw = (data ?? {}) as Record<string, unknown>;
  const grant = parseGrant(raw, directory.themes.filter((t) => !t.retiredAt).map((t) => t.id));
  if (!grant.ok) {
    return { kind: 'invalid', request, organisationName, errors: grant.errors, values: { roles: String(raw.roles ?? ''), themes: String(raw.themes ?? '') } };
  }
  const at = ctx.clock().toISOString();
  const approver = caller.aadObjectId!;
  const member: Member = {
    aadObjectId: request.aadObjectId,
    tenantId: request.tenantId,
    displayName: request.displayName,
    ...(request.jobTitle ? { jobTitle: request.jobTitle } : {}),
    organisationId: request.organisationId!,
    roles: grant.roles,
    leadsThemes: grant.themes,
    status: 'active',
    source: 'approval',
    joinedAt: at,
    confirmedAt: at,
  };
  // Each step re-runs safely: the member upsert, the audit row and the outbox item have fixed ids.
  await putMember(ctx, member, await findMember(ctx, member.aadObjectId));
  const key = requestKey(request);
  await auditDirectory(ctx, {
    id: `approve-${key}`,
    action: 'alteration',
    actor: { aadObjectId: approver, organisationId: caller.member?.organisationId },
    subject: { type: 'member', id: request.aadObjectId },
    note: `access approved for ${request.organisationId}: roles ${grant.roles.join(', ')}${grant.themes.length ? `; leads ${grant.themes.join(', ')}` : ''}`,
  });
  await tellRequester(ctx, request, 'approved', { organisationName, roles: grant.roles });
  const decided: AccessRequest = { ...request, status: 'approved', decidedBy: approver, decidedAt: at };
  try {
    await putRequest(ctx, decided, stored.etag);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    const now = (await findRequest(ctx, request.aadObjectId))?.value;
    if (now?.status === 'declined') {
      // Declined at the same moment by another approver: their decision stands.
      const row = await findMember(ctx, member.aadObjectId);
      if (row) await deleteMember(ctx, row);
      return { kind: 'decided', request: now, organisationName, already: true };
    }
  }
  return { kind: 'decided', request: decided, organisationName, already: false, member };
}

export async function declineRequest(ctx: AppContext, caller: Caller, data: unknown): Promise<DecisionResult> {
  const loaded = await loadForDecision(ctx, caller, data);
  if (loaded.kind !== 'ok') return loaded;
  const { stored, organisationName } = loaded;
  const request = stored.value;
  if (request.status !== 'pending') return { kind: 'decided', request, organisationName, already: true };
  const raw = (data ?? {}) as Record<string, unknown>;
  const reason = typeof raw.declineReason === 'string' ? raw.declineReason.trim() : '';
  const problem = reason.length > 500 ? 'Keep it under 500 characters' : reason.length < 5 ? 'Say why, in a few words: they are told' : plainTextProblem(reason);
  if (problem) {
    return { kind: 'invalid', request, organisationName, errors: { declineReason: problem }, values: { roles: String(raw.roles ?? ''), themes: String(raw.themes ?? ''), declineReason: reason.slice(0, 500) } };
  }
  const at = ctx.clock().toISOString();
  const key = requestKey(request);
  await auditDirectory(ctx, {
    id: `decline-${key}`,
    action: 'alteration',
    actor: { aadObjectId: caller.aadObjectId!, organisationId: caller.member?.organisationId },
    subject: { type: 'access-request', id: request.aadObjectId },
    note: `access to ${request.organisationId} declined`,
  });
  await tellRequester(ctx, request, 'declined', { organisationName, reason });
  const decided: AccessRequest = { ...request, status: 'declined', decidedBy: caller.aadObjectId!, decidedAt: at, declineReason: reason };
  try {
    await putRequest(ctx, decided, stored.etag);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    const now = (await findRequest(ctx, request.aadObjectId))?.value;
    return { kind: 'decided', request: now ?? decided, organisationName, already: true };
  }
  return { kind: 'decided', request: decided, organisationName, already: false };
}
