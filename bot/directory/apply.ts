import { createHash } from 'node:crypto';
import type { Member } from '../common/member';
import { ConcurrencyError } from '../store/errors';
import { auditDirectory, type DirectoryActor, type DirectoryCtx } from './audit';
import type { Directory, DirectoryRow, PartnershipFile, ResolvedPeopleFile } from './model';
import { describePlan, memberChanges, planPartnership, planPeople, type Change, type MemberChange } from './rules/plan';
import { checkPartnershipFile, checkPeopleFile, type Checked } from './rules/validate';
import { resolvePeopleUpns } from './resolveUpns';
import { allMembers, deleteMember, dropVersion, findMember, loadDirectory, putMember, putMembersTogether, readHead, readVersionHeader, stageVersion, VERSIONS_KEPT, writeHead } from './repository';

/**
 * Plan and apply a partnership file (or a people file for bulk onboarding).
 *
 * Apply is all or nothing for readers: the new version's rows are staged in
 * their own partition, then one ETag-checked write of the head row makes
 * them current. Member rows named by the file are written between "pending"
 * and the switch, idempotently, and a pending version left by a crash is
 * finished by the next plan or apply (docs/directory.md).
 */
export type PlanResult =
  | { ok: false; errors: string[] }
  | { ok: true; kind: 'partnership' | 'people'; from: number; changes: Change[]; members: MemberChange[]; lines: string[] };

export type ApplyResult =
  | { ok: false; errors: string[] }
  | { ok: true; kind: 'partnership' | 'people'; version: number; changes: Change[]; members: MemberChange[]; lines: string[] };

type Ctx = DirectoryCtx;

const kindOf = (json: unknown) => ((json as { schema?: unknown } | null)?.schema === 'concordat.people/v1' ? 'people' : 'partnership');

async function membersById(ctx: Ctx): Promise<Map<string, Member>> {
  return new Map((await allMembers(ctx)).map((m) => [m.aadObjectId, m]));
}

export async function planDirectoryFile(ctx: Ctx, json: unknown): Promise<PlanResult> {
  await finishPending(ctx);
  const current = await loadDirectory(ctx);
  if (kindOf(json) === 'people') {
    const checked = await checkAndResolvePeople(ctx, json, current);
    if (!checked.ok) return checked;
    const { changes, errors } = planPeople(checked.value, await membersById(ctx), ctx.clock());
    if (errors.length) return { ok: false, errors };
    return { ok: true, kind: 'people', from: current.version, changes: [], members: changes, lines: describePlan(changes) };
  }
  const checked = checkPartnershipFile(json);
  if (!checked.ok) return checked;
  const plan = planPartnership(current, checked.value, ctx.clock());
  const members = memberChanges(current, plan.next, await membersById(ctx));
  return { ok: true, kind: 'partnership', from: current.version, changes: plan.changes, members, lines: describePlan([...plan.changes, ...members]) };
}

export async function applyDirectoryFile(ctx: Ctx, json: unknown, actor: DirectoryActor): Promise<ApplyResult> {
  await finishPending(ctx);
  const head = await readHead(ctx);
  const current = await loadDirectory(ctx, head?.value.version ?? 0);
  if (kindOf(json) === 'people') return applyPeople(ctx, json, current, actor);

  const checked = checkPartnershipFile(json);
  if (!checked.ok) return checked;
  const plan = planPartnership(current, checked.value, ctx.clock());
  const members = memberChanges(current, plan.next, await membersById(ctx));
  const lines = describePlan([...plan.changes, ...members]);
  if (plan.changes.length === 0 && members.length === 0) return { ok: true, kind: 'partnership', version: current.version, changes: [], members: [], lines };

  const version = current.version + 1;
  const appliedAt = ctx.clock().toISOString();
  await stageVersion(ctx, rowsOf(plan.next, version, appliedAt, actor, fileHash(checked.value), summarise(plan.changes, members)), version);
  let pending;
  try {
    pending = await writeHead(ctx, { kind: 'head', version: current.version, pending: version, updatedAt: appliedAt }, head?.etag);
  } catch (err) {
    if (err instanceof ConcurrencyError) return { ok: false, errors: ['the directory changed while this was being applied: plan again'] };
    throw err;
  }
  await commit(ctx, version, pending.etag);
  return { ok: true, kind: 'partnership', version, changes: plan.changes, members, lines };
}

/** Rows of one version: its header, then an organisation, theme and person per row. */
function rowsOf(d: Directory, version: number, appliedAt: string, actor: DirectoryActor, hash: string, summary: string): DirectoryRow[] {
  return [
    { kind: 'version', version, name: d.name, appliedAt, appliedBy: actor === 'system' ? 'system' : actor.aadObjectId, fileHash: hash, summary, boroughs: d.boroughs, administrators: d.administrators, settings: d.settings },
    ...d.organisations.map((value, position) => ({ kind: 'organisation' as const, version, position, value })),
    ...d.themes.map((value, position) => ({ kind: 'theme' as const, version, position, value })),
    ...d.people.map((value, position) => ({ kind: 'person' as const, version, position, value })),
  ];
}

/** "3 added, 1 retired; 2 member rows": what the audit row says changed (never personal data). */
function summarise(changes: Change[], members: MemberChange[]): string {
  const counts = (['added', 'changed', 'retired', 'restored', 'removed'] as const)
    .map((k) => [k, changes.filter((c) => c.change === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  return `${counts.join(', ') || 'no directory changes'}; ${members.length} member rows`;
}

const fileHash = (f: PartnershipFile) => createHash('sha256').update(JSON.stringify(f)).digest('hex').slice(0, 16);

/**
 * From "pending" to current: write the member rows the version names, log
 * the change once, then move the head. Each step is idempotent, so a retry
 * (or the next plan) re-runs it safely.
 */
async function commit(ctx: Ctx, version: number, headEtag: string): Promise<void> {
  const [previous, next] = await Promise.all([loadDirectory(ctx, version - 1), loadDirectory(ctx, version)]);
  const header = await readVersionHeader(ctx, version);
  if (!header) throw new Error(`directory version ${version} is not staged`);
  const members = memberChanges(previous, next, await membersById(ctx));
  for (const c of members) {
    const stored = await findMember(ctx, c.member.aadObjectId);
    if (c.change === 'removed') {
      if (stored) await deleteMember(ctx, stored);
    } else await putMember(ctx, c.member, stored);
  }
  await auditDirectory(ctx, {
    id: `directory-v${version}`,
    at: header.appliedAt,
    action: 'alteration',
    actor: header.appliedBy === 'system' ? 'system' : { aadObjectId: header.appliedBy },
    subject: { type: 'directory', id: `v${version}` },
    note: `partnership file ${header.fileHash} applied as version ${version}: ${header.summary}`,
  });
  await writeHead(ctx, { kind: 'head', version, updatedAt: header.appliedAt }, headEtag);
  await dropVersion(ctx, version - VERSIONS_KEPT);
}

/** A version left pending by a crash between the switch's two writes is finished, never left half done. */
async function finishPending(ctx: Ctx): Promise<void> {
  const head = await readHead(ctx);
  if (head?.value.pending === undefined) return;
  try {
    await commit(ctx, head.value.pending, head.etag);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err; // someone else finished it
  }
}

/** The people file's checks, then its user principal names resolved (Graph): every error of either, nothing planned. */
async function checkAndResolvePeople(ctx: Ctx, json: unknown, current: Directory): Promise<Checked<ResolvedPeopleFile>> {
  const checked = checkPeopleFile(json, current);
  return checked.ok ? resolvePeopleUpns(checked.value, ctx.graph) : checked;
}

async function applyPeople(ctx: Ctx, json: unknown, current: Directory, actor: DirectoryActor): Promise<ApplyResult> {
  const checked = await checkAndResolvePeople(ctx, json, current);
  if (!checked.ok) return checked;
  const before = await membersById(ctx);
  const { changes, errors } = planPeople(checked.value, before, ctx.clock());
  if (errors.length) return { ok: false, errors };
  const lines = describePlan(changes);
  if (changes.length === 0) return { ok: true, kind: 'people', version: current.version, changes: [], members: [], lines };
  // At most 100 people in one partition: one entity group transaction, so all of them or none.
  try {
    await putMembersTogether(ctx, changes.map((c) => c.member), before);
  } catch (err) {
    if (err instanceof ConcurrencyError) return { ok: false, errors: ['the members changed while this was being applied: plan again'] };
    throw err;
  }
  const at = ctx.clock().toISOString();
  const id = createHash('sha256').update(JSON.stringify(checked.value)).digest('hex').slice(0, 16);
  await auditDirectory(ctx, {
    id: `people-${id}`,
    at,
    action: 'collection',
    actor,
    subject: { type: 'directory', id: `people:${checked.value.organisation}` },
    note: `people file ${id} for ${checked.value.organisation}: ${changes.filter((c) => c.change === 'added').length} added, ${changes.filter((c) => c.change === 'changed').length} changed`,
  });
  return { ok: true, kind: 'people', version: current.version, changes: [], members: changes, lines };
}
