import type { AppContext } from '../kernel/context';
import type { Member } from '../shared/member';
import { ConcurrencyError } from '../store/errors';
import type { Stored } from '../store/entityTable';
import {
  EMPTY_DIRECTORY,
  type AccessRequest,
  type AccessReview,
  type Directory,
  type DirectoryHead,
  type DirectoryOrganisation,
  type DirectoryRow,
  type DirectoryTheme,
} from './model';
import { HEAD_KEYS, MEMBER_PARTITION, SUSPENDED_PARTITION, versionPartition } from './tables';

/** The only module that touches the directory's tables (and, for the directory's use cases, member rows). */

type Ctx = Pick<AppContext, 'store'>;

export async function readHead(ctx: Ctx): Promise<Stored<DirectoryHead> | undefined> {
  const row = await ctx.store.directory.get(HEAD_KEYS);
  return row && row.value.kind === 'head' ? (row as Stored<DirectoryHead>) : undefined;
}

/**
 * A committed version never changes, so it is kept in memory by version
 * number: reading the directory in force costs one point read of the head.
 * (Members are never cached: their rows are read on every activity.)
 */
const committed = new WeakMap<object, Map<number, Directory>>();

/** The directory of one version (default: the one in force). Version 0 is the empty directory of a new store. */
export async function loadDirectory(ctx: Ctx, version?: number): Promise<Directory> {
  if (version !== undefined) return readVersion(ctx, version);
  const v = (await readHead(ctx))?.value.version ?? 0;
  let cache = committed.get(ctx.store);
  if (!cache) committed.set(ctx.store, (cache = new Map()));
  const hit = cache.get(v);
  if (hit) return hit;
  const d = await readVersion(ctx, v);
  if (cache.size > 4) cache.clear();
  cache.set(v, d);
  return d;
}

async function readVersion(ctx: Ctx, v: number): Promise<Directory> {
  if (v === 0) return EMPTY_DIRECTORY;
  return directoryOfRows(v, (await ctx.store.directory.listPartition(versionPartition(v))).map((r) => r.value));
}

function directoryOfRows(version: number, rows: DirectoryRow[]): Directory {
  const d: Directory = { ...EMPTY_DIRECTORY, version, organisations: [], themes: [], people: [] };
  const position = (r: DirectoryRow) => ('position' in r ? r.position : -1);
  for (const r of [...rows].sort((a, b) => position(a) - position(b))) {
    if (r.kind === 'version') Object.assign(d, { name: r.name, boroughs: r.boroughs, administrators: r.administrators, settings: r.settings });
    else if (r.kind === 'organisation') d.organisations.push(r.value);
    else if (r.kind === 'theme') d.themes.push(r.value);
    else if (r.kind === 'person') d.people.push(r.value);
  }
  return d;
}

/** One organisation of the version in force (retired ones too: history resolves their names). */
export async function findOrganisation(ctx: Ctx, id: string): Promise<DirectoryOrganisation | undefined> {
  return (await loadDirectory(ctx)).organisations.find((o) => o.id === id);
}

export async function findTheme(ctx: Ctx, id: string): Promise<DirectoryTheme | undefined> {
  return (await loadDirectory(ctx)).themes.find((t) => t.id === id);
}

/**
 * Writes a version's rows under its own partition, in transactions of at
 * most 100. Invisible until the head names it; rows left by an earlier
 * attempt at the same version are replaced or deleted first.
 */
export async function stageVersion(ctx: Ctx, rows: DirectoryRow[], version: number): Promise<void> {
  const partition = versionPartition(version);
  const wanted = new Set(rows.map((r) => ctx.store.directory.keysOf(r).rowKey));
  for (const left of await ctx.store.directory.listPartition(partition)) {
    if (!wanted.has(left.keys.rowKey)) await ctx.store.directory.delete(left.keys);
  }
  for (let i = 0; i < rows.length; i += 100) {
    await ctx.store.directory.transact(rows.slice(i, i + 100).map((value) => ({ op: 'upsert' as const, value })));
  }
}

/** Moves the commit pointer only if nobody else moved it since `etag` was read. */
export async function writeHead(ctx: Ctx, head: DirectoryHead, etag: string | undefined): Promise<Stored<DirectoryHead>> {
  const stored = etag === undefined ? await ctx.store.directory.create(head) : await ctx.store.directory.update(head, etag);
  return stored as Stored<DirectoryHead>;
}

/** Old versions are kept for a while (a version is a few dozen rows), then dropped: every version carries its retired names. */
export const VERSIONS_KEPT = 20;
export async function dropVersion(ctx: Ctx, version: number): Promise<void> {
  if (version < 1) return;
  for (const r of await ctx.store.directory.listPartition(versionPartition(version))) await ctx.store.directory.delete(r.keys);
}

// ---- Members ------------------------------------------------------------------

/** A person's row, active or suspended. Read on every activity: roles are never cached. */
export async function findMember(ctx: Ctx, aadObjectId: string): Promise<Stored<Member> | undefined> {
  const [active, suspended] = await Promise.all([
    ctx.store.members.get({ partitionKey: MEMBER_PARTITION, rowKey: aadObjectId }),
    ctx.store.members.get({ partitionKey: SUSPENDED_PARTITION, rowKey: aadObjectId }),
  ]);
  return active ?? suspended;
}

export async function allMembers(ctx: Ctx): Promise<Member[]> {
  const [active, suspended] = await Promise.all([
    ctx.store.members.listPartition(MEMBER_PARTITION),
    ctx.store.members.listPartition(SUSPENDED_PARTITION),
  ]);
  return [...active, ...suspended].map((m) => m.value);
}

export async function membersOf(ctx: Ctx, organisationId: string): Promise<Member[]> {
  return (await allMembers(ctx)).filter((m) => m.organisationId === organisationId).sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/**
 * Writes a member row. A change of status moves the row between partitions:
 * the new row is written first, so a crash in between leaves the person
 * findable (findMember prefers the active row) and a retry finishes the move.
 */
export async function putMember(ctx: Ctx, member: Member, previous?: Stored<Member>): Promise<void> {
  const next = ctx.store.members.keysOf(member);
  if (previous && previous.keys.partitionKey === next.partitionKey) {
    await ctx.store.members.update(member, previous.etag);
    return;
  }
  await ctx.store.members.upsert(member);
  if (previous) await ctx.store.members.delete(previous.keys);
}

/** Removal deletes the row: the next activity finds no member. Audit rows (kept elsewhere) still name them by id. */
export async function deleteMember(ctx: Ctx, member: Stored<Member>): Promise<void> {
  await ctx.store.members.delete(member.keys);
}

// ---- Access requests and reviews ----------------------------------------------

export async function findRequest(ctx: Ctx, aadObjectId: string): Promise<Stored<AccessRequest> | undefined> {
  return ctx.store.joinRequests.get({ partitionKey: 'request', rowKey: aadObjectId });
}

export async function putRequest(ctx: Ctx, request: AccessRequest, etag?: string): Promise<Stored<AccessRequest>> {
  if (etag) return ctx.store.joinRequests.update(request, etag);
  return ctx.store.joinRequests.create(request);
}

export async function replaceRequest(ctx: Ctx, request: AccessRequest): Promise<void> {
  await ctx.store.joinRequests.upsert(request);
}

export async function pendingRequests(ctx: Ctx): Promise<AccessRequest[]> {
  return (await ctx.store.joinRequests.query("PartitionKey eq 'request' and status eq 'pending'")).map((r) => r.value);
}

export async function latestReview(ctx: Ctx, organisationId: string): Promise<Stored<AccessReview> | undefined> {
  const rows = await ctx.store.accessReviews.listPartition(organisationId);
  return rows.at(-1);
}

export async function createReview(ctx: Ctx, review: AccessReview): Promise<Stored<AccessReview> | undefined> {
  try {
    return await ctx.store.accessReviews.create(review);
  } catch (err) {
    // Two timer runs opening the same round: the first wins, the second finds it open.
    if (err instanceof ConcurrencyError) return undefined;
    throw err;
  }
}

export async function mutateReview(ctx: Ctx, review: AccessReview, change: (r: AccessReview) => AccessReview | undefined): Promise<AccessReview | undefined> {
  const keys = ctx.store.accessReviews.keysOf(review);
  return (await ctx.store.accessReviews.mutate(keys, (r) => (r ? change(r) : undefined)))?.value;
}

/** Deletes requests decided before `cutoff` (pending ones stay until decided). */
export async function deleteDecidedRequests(ctx: Ctx, cutoff: string): Promise<number> {
  const old = (await ctx.store.joinRequests.listPartition('request')).filter((r) => r.value.status !== 'pending' && (r.value.decidedAt ?? r.value.requestedAt) < cutoff);
  for (const r of old) await ctx.store.joinRequests.delete(r.keys, r.etag);
  return old.length;
}

/** Keeps an organisation's newest `kept` review rounds (row keys sort by month). */
export async function dropOldReviews(ctx: Ctx, organisationId: string, kept: number): Promise<number> {
  const rows = await ctx.store.accessReviews.listPartition(organisationId);
  const old = rows.slice(0, Math.max(0, rows.length - kept));
  for (const r of old) await ctx.store.accessReviews.delete(r.keys);
  return old.length;
}
