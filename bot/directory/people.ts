import type { AppContext } from '../kernel/context';
import type { Member } from '../shared/member';
import type { Caller } from '../conversation/user';
import type { Stored } from '../store/entityTable';
import { auditDirectory } from './audit';
import type { AccessRequest, Directory } from './model';
import { allMembers, deleteMember, findMember, loadDirectory, pendingRequests, putMember } from './repository';
import { mayDecide, mayManage, parseGrant } from './rules/access';

/**
 * Approvers and administrators manage people from cards: find, change roles
 * or led themes, suspend or reinstate, remove. Nothing is cached, so each
 * change takes effect on the person's next activity. Every change audited.
 */

export const PEOPLE_PAGE = 25;

export type PeopleResult =
  | { kind: 'refused' }
  | { kind: 'list'; directory: Directory; members: Member[]; total: number; requests: AccessRequest[]; query: string; scope: string };

/** "people [name]": the caller's organisation's members (every organisation's, for an administrator), and open requests. */
export async function listPeople(ctx: AppContext, caller: Caller, query: string): Promise<PeopleResult> {
  const me = caller.member;
  if (!me || !(me.roles.includes('orgLead') || me.roles.includes('admin'))) return { kind: 'refused' };
  const directory = await loadDirectory(ctx);
  const q = query.trim().toLowerCase().slice(0, 60);
  const visible = (await allMembers(ctx)).filter((m) => mayManage(me, m));
  const matching = visible
    .filter((m) => !q || m.displayName.toLowerCase().includes(q) || (m.jobTitle ?? '').toLowerCase().includes(q) || m.organisationId.includes(q))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
  const requests = (await pendingRequests(ctx)).filter((r) => mayDecide(me, r));
  return { kind: 'list', directory, members: matching.slice(0, PEOPLE_PAGE), total: matching.length, requests, query: q, scope: me.roles.includes('admin') ? 'every organisation' : (caller.organisation?.name ?? me.organisationId) };
}

export type MemberResult =
  | { kind: 'missing' }
  | { kind: 'refused' }
  | { kind: 'invalid'; member: Member; directory: Directory; errors: Record<string, string>; values: Record<string, string> }
  | { kind: 'shown' | 'saved' | 'suspended' | 'reinstated' | 'file-managed'; member: Member; directory: Directory }
  | { kind: 'removed'; member: Member };

const targetIn = (data: unknown) => (typeof (data as { member?: unknown } | null)?.member === 'string' ? String((data as { member: string }).member).slice(0, 64) : '');

async function loadTarget(ctx: AppContext, caller: Caller, data: unknown, verb: string): Promise<{ kind: 'missing' } | { kind: 'refused' } | { kind: 'ok'; stored: Stored<Member>; directory: Directory }> {
  const id = targetIn(data);
  const stored = id ? await findMember(ctx, id) : undefined;
  if (!stored) return { kind: 'missing' };
  if (!mayManage(caller.member, stored.value)) {
    await auditDirectory(ctx, {
      action: 'refusal',
      actor: caller.aadObjectId ? { aadObjectId: caller.aadObjectId, organisationId: caller.member?.organisationId } : 'system',
      subject: { type: 'member', id: stored.value.aadObjectId },
      note: `${verb} refused: not an approver of ${stored.value.organisationId} nor an administrator`,
    });
    return { kind: 'refused' };
  }
  return { kind: 'ok', stored, directory: await loadDirectory(ctx) };
}

const actorOf = (caller: Caller) => ({ aadObjectId: caller.aadObjectId!, organisationId: caller.member?.organisationId });

export async function showMember(ctx: AppContext, caller: Caller, data: unknown): Promise<MemberResult> {
  const t = await loadTarget(ctx, caller, data, 'view');
  if (t.kind !== 'ok') return t;
  return { kind: 'shown', member: t.stored.value, directory: t.directory };
}

export async function saveMemberRoles(ctx: AppContext, caller: Caller, data: unknown): Promise<MemberResult> {
  const t = await loadTarget(ctx, caller, data, 'change roles');
  if (t.kind !== 'ok') return t;
  const m = t.stored.value;
  if (m.source === 'file') return { kind: 'file-managed', member: m, directory: t.directory };
  const raw = (data ?? {}) as Record<string, unknown>;
  const grant = parseGrant(raw, t.directory.themes.filter((x) => !x.retiredAt).map((x) => x.id));
  if (!grant.ok) return { kind: 'invalid', member: m, directory: t.directory, errors: grant.errors, values: { roles: String(raw.roles ?? ''), themes: String(raw.themes ?? '') } };
  // An administrator's own admin role comes from the partnership file: keep it.
  const roles = m.roles.includes('admin') ? [...new Set([...grant.roles, 'admin' as const])] : grant.roles;
  const next: Member = { ...m, roles, leadsThemes: grant.themes };
  await putMember(ctx, next, t.stored);
  await auditDirectory(ctx, { action: 'alteration', actor: actorOf(caller), subject: { type: 'member', id: m.aadObjectId }, note: `roles ${m.roles.join(', ')} → ${roles.join(', ')}; leads ${grant.themes.join(', ') || 'none'}` });
  return { kind: 'saved', member: next, directory: t.directory };
}

export async function setSuspended(ctx: AppContext, caller: Caller, data: unknown, suspended: boolean, why = 'by an approver'): Promise<MemberResult> {
  const t = await loadTarget(ctx, caller, data, suspended ? 'suspend' : 'reinstate');
  if (t.kind !== 'ok') return t;
  const next: Member = { ...t.stored.value, status: suspended ? 'suspended' : 'active', ...(suspended ? {} : { confirmedAt: ctx.clock().toISOString() }) };
  await putMember(ctx, next, t.stored);
  await auditDirectory(ctx, { action: 'alteration', actor: actorOf(caller), subject: { type: 'member', id: next.aadObjectId }, note: suspended ? `suspended ${why}` : 'reinstated' });
  return { kind: suspended ? 'suspended' : 'reinstated', member: next, directory: t.directory };
}

/** Removal deletes the member row: their next activity finds no member. Their audit history stays. */
export async function removeMember(ctx: AppContext, caller: Caller, data: unknown): Promise<MemberResult> {
  const t = await loadTarget(ctx, caller, data, 'remove');
  if (t.kind !== 'ok') return t;
  if (t.stored.value.source === 'file') return { kind: 'file-managed', member: t.stored.value, directory: t.directory };
  await deleteMember(ctx, t.stored);
  await auditDirectory(ctx, { action: 'alteration', actor: actorOf(caller), subject: { type: 'member', id: t.stored.value.aadObjectId }, note: `removed from ${t.stored.value.organisationId} (roles were ${t.stored.value.roles.join(', ')})` });
  return { kind: 'removed', member: t.stored.value };
}
