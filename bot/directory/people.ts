import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Member } from '../common/member';
import type { Caller } from '../conversation/user';
import type { Stored } from '../store/entityTable';
import { auditDirectory } from './audit';
import type { AccessRequest, Directory } from './model';
import { allMembers, deleteMember, findMember, loadDirectory, peoplePage, pendingRequestsPage, putMember, reconcilePeopleIndex, type PeopleCursor as PeopleCursorAt } from './repository';
import { mayDecide, mayManage, parseGrant } from './rules/access';
import { matchesPeopleQuery } from './rules/people';
import { PAGE_TOKEN_EXPIRED, signPageToken, verifyPageToken } from '../search/rules/pageToken';
import { auditPageTokenRefusal } from '../conversation/refusalAudit';
import { DIRECTORY_VERBS } from './verbs';

/**
 * Approvers and administrators manage people from cards: find, change roles
 * or led themes, suspend or reinstate, remove. Nothing is cached, so each
 * change takes effect on the person's next activity. Every change audited.
 */

/**
 * People on one card: with the longest names and details (each line cut to views.ts LINE_CHARS) and the longest
 * "More" token, the card stays within the budget every card keeps (cards/render.ts cardBytes: test/peoplePaging.test.ts).
 */
export const PEOPLE_PAGE = 20;

/**
 * What a "More" token of the people list stands for: the words searched and
 * whose people (one organisation's, or every organisation's for an
 * administrator). Checked again on every page: a token says where to read
 * next, never what may be seen.
 */
const PeopleQuery = z.object({ list: z.literal('people'), q: z.string().max(60), organisationId: z.string().max(60).optional() });
/**
 * Where the list stopped: open requests come first (requester id order), then members (name order). Within a
 * phase, the rows after these keys (from the start without them), and the storage service's continuation of that
 * query when the last page was cut short (repository.ts PeopleCursor).
 */
const PeopleCursor = z.object({
  phase: z.enum(['requests', 'members']),
  partitionKey: z.string().max(200).optional(),
  rowKey: z.string().max(300).optional(),
  token: z.string().min(1).max(1000).optional(),
});
type PeopleCursor = z.infer<typeof PeopleCursor>;

/**
 * Storage reads a turn may make, per part of the list. A page of members asks for 26 index rows, which one
 * response nearly always holds; the service may answer with fewer, even none, and a continuation, and the page
 * is filled from further responses up to this budget (then "More" goes on from where the service got to). A
 * search reads wide (up to 1,000 rows a response), so fewer reads; open requests are few, in one partition.
 */
export const PEOPLE_READS = { members: 10, search: 2, requests: 2 } as const;

export type PeopleRow = { kind: 'request'; request: AccessRequest } | { kind: 'member'; member: Member };

export type PeopleResult =
  | { kind: 'refused' }
  /** A "More" token altered, or made for someone else: nothing read. */
  | { kind: 'bad-token'; reason: string }
  | {
      kind: 'list';
      directory: Directory;
      rows: PeopleRow[];
      query: string;
      scope: string;
      /** The signed token of the next page, when more may follow. */
      more?: string;
      /** A page after the first. */
      continued: boolean;
      /** The token given had expired (or its list no longer applies): this is the first page again. */
      restarted: boolean;
      /** Storage requests this page made reading requests and people (bounded: see peoplePage). */
      requests: number;
    };

/**
 * "people [name]": the caller's organisation's open requests and members
 * (every organisation's, for an administrator), a page at a time. A page is
 * at most PEOPLE_PAGE rows: open requests first, then members in name order;
 * "More" carries a signed token bound to the caller and the search.
 */
export async function listPeople(ctx: AppContext, caller: Caller, input: { query?: string; more?: unknown }): Promise<PeopleResult> {
  const me = caller.member;
  if (!me || !caller.aadObjectId || !(me.roles.includes('orgLead') || me.roles.includes('admin'))) return { kind: 'refused' };
  const now = ctx.clock();
  const organisationId = me.roles.includes('admin') ? undefined : me.organisationId;
  let query: z.infer<typeof PeopleQuery> = { list: 'people', q: (input.query ?? '').trim().toLowerCase().slice(0, 60), ...(organisationId ? { organisationId } : {}) };
  let cursor: PeopleCursor = { phase: 'requests' };
  let restarted = false;
  if (input.more !== undefined) {
    const resumed = verifyPageToken(ctx.config.referenceHashKey, input.more, caller.aadObjectId, PeopleQuery, now);
    const at = resumed.ok ? PeopleCursor.safeParse(safeJson(resumed.continuation)) : undefined;
    if (resumed.ok && at?.success && resumed.query.organisationId === organisationId) {
      query = resumed.query;
      cursor = at.data;
    } else if (!resumed.ok && resumed.reason !== PAGE_TOKEN_EXPIRED) {
      // Someone else's button, or an edited one: refused, nothing read, audited as every list's are.
      await auditPageTokenRefusal(ctx, { aadObjectId: caller.aadObjectId, organisationId: me.organisationId }, `action:${DIRECTORY_VERBS.people}`, 'people', resumed.reason);
      return { kind: 'bad-token', reason: resumed.reason };
    } else {
      // Expired (the caller's own button: only logged, see auditPageTokenRefusal), or the caller's role changed since:
      // their list as it is now, from the top.
      if (!resumed.ok) await auditPageTokenRefusal(ctx, { aadObjectId: caller.aadObjectId, organisationId: me.organisationId }, `action:${DIRECTORY_VERBS.people}`, 'people', resumed.reason);
      restarted = true;
    }
  }
  const continued = cursor.phase === 'members' || cursor.rowKey !== undefined || cursor.token !== undefined;
  const at = {
    ...(cursor.rowKey !== undefined ? { after: { partitionKey: cursor.partitionKey ?? '', rowKey: cursor.rowKey } } : {}),
    ...(cursor.token !== undefined ? { token: cursor.token } : {}),
  };
  const rows: PeopleRow[] = [];
  let next: PeopleCursor | undefined;
  let requests = 0;
  const cursorOf = (phase: PeopleCursor['phase'], c: PeopleCursorAt): PeopleCursor => ({ phase, ...(c.after ? { partitionKey: c.after.partitionKey, rowKey: c.after.rowKey } : {}), ...(c.token ? { token: c.token } : {}) });
  if (cursor.phase === 'requests') {
    const page = await pendingRequestsPage(ctx, { organisationId }, { size: PEOPLE_PAGE, at, match: (r) => mayDecide(me, r) && matchesPeopleQuery(query.q, r), maxRequests: PEOPLE_READS.requests });
    requests += page.requests;
    rows.push(...page.rows.map((request) => ({ kind: 'request' as const, request })));
    if (page.next) next = cursorOf('requests', page.next);
    else if (rows.length === PEOPLE_PAGE) next = { phase: 'members' };
  }
  if (!next && rows.length < PEOPLE_PAGE) {
    const read = () =>
      peoplePage(ctx, { organisationId }, {
        size: PEOPLE_PAGE - rows.length,
        ...(cursor.phase === 'members' ? { at } : {}),
        // Without words to match, the index read is exactly a page; the access rule is checked on every row regardless.
        ...(query.q ? { match: (m: Member) => mayManage(me, m) && matchesPeopleQuery(query.q, m) } : {}),
        maxRequests: query.q ? PEOPLE_READS.search : PEOPLE_READS.members,
      });
    let page = await read();
    if (!continued && !query.q && page.rows.length === 0 && !page.next) {
      // The caller is a member of the organisations they list, so an empty first page means a store written before
      // the people index existed: build it once, now, rather than leave the list empty until the daily reconcile.
      ctx.log.info('people index empty: building it from the member rows');
      await reconcilePeopleIndex(ctx, await allMembers(ctx));
      page = await read();
    }
    requests += page.requests;
    rows.push(...page.rows.filter((m) => mayManage(me, m)).map((member) => ({ kind: 'member' as const, member })));
    if (page.next) next = cursorOf('members', page.next);
  }
  const more = next ? signPageToken(ctx.config.referenceHashKey, { user: caller.aadObjectId, query, continuation: JSON.stringify(next) }, now) : undefined;
  return {
    kind: 'list',
    directory: await loadDirectory(ctx),
    rows,
    query: query.q,
    scope: organisationId ? (caller.organisation?.name ?? me.organisationId) : 'every organisation',
    ...(more ? { more } : {}),
    continued,
    restarted,
    requests,
  };
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

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
