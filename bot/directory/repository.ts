import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { Member } from '../common/member';
import { ConcurrencyError } from '../store/errors';
import type { Keys, Stored } from '../store/entityTable';
import {
  EMPTY_DIRECTORY,
  type AccessRequest,
  type AccessReview,
  type Directory,
  type DirectoryHead,
  type DirectoryOrganisation,
  type DirectoryRow,
  type DirectoryTheme,
  type OpeningProgress,
  type ReviewEntry,
  type ReviewEntryRow,
  type ReviewOutcome,
  type ReviewPerson,
  type ReviewRunCursor,
  type ReviewTally,
} from './model';
import {
  HEAD_KEYS,
  MEMBER_PARTITION,
  peopleIndexKeys,
  REQUEST_PARTITION,
  REVIEW_PENDING_RANGE,
  REVIEW_TALLY_KEY,
  reviewEntriesPartition,
  reviewEntryRowKey,
  reviewPendingRowKey,
  REVIEW_RUN_KEYS,
  SUSPENDED_PARTITION,
  versionPartition,
} from './tables';

/** The only module that touches the directory's tables (and, for the directory's use cases, member rows). */

type Ctx = Pick<AppContext, 'store'>;

export async function readHead(ctx: Ctx): Promise<Stored<DirectoryHead> | undefined> {
  const row = await ctx.store.directory.get(HEAD_KEYS);
  return row && row.value.kind === 'head' ? (row as Stored<DirectoryHead>) : undefined;
}

/** The header row of a staged (or committed) version: what was applied, when and by whom; undefined if not staged. */
export async function readVersionHeader(ctx: Ctx, version: number): Promise<Extract<DirectoryRow, { kind: 'version' }> | undefined> {
  const row = (await ctx.store.directory.get({ partitionKey: versionPartition(version), rowKey: 'version' }))?.value;
  return row?.kind === 'version' ? row : undefined;
}

/**
 * A committed version never changes, so it is kept in memory by version
 * number: reading the directory in force costs one point read of the head.
 * (Members are never cached: their rows are read on every activity.)
 */
const committed = new WeakMap<object, Map<number, Directory>>();

/** The directory of one version (default: the one in force). Version 0 is the empty directory of a new store. */
export async function loadDirectory(ctx: Ctx, version?: number): Promise<Directory> {
  // An explicit version may be one being staged (bot/directory/apply.ts commit): read it, never cached.
  if (version !== undefined) return readVersion(ctx, version);
  return committedDirectory(ctx, (await readHead(ctx))?.value.version ?? 0);
}

/**
 * A version the head has named (the one in force, or the one a caller was identified against earlier in the same
 * turn): it never changes, so it comes from memory once read, with no storage request at all.
 */
export async function committedDirectory(ctx: Ctx, version: number): Promise<Directory> {
  let cache = committed.get(ctx.store);
  if (!cache) committed.set(ctx.store, (cache = new Map()));
  const hit = cache.get(version);
  if (hit) return hit;
  const d = await readVersion(ctx, version);
  if (cache.size > 4) cache.clear();
  cache.set(version, d);
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
  // The active row first: most activity comes from active members, whose turn then makes one read, not two (the
  // suspended row is only looked for when there is no active one, and an active row wins if both exist).
  return (
    (await ctx.store.members.get({ partitionKey: MEMBER_PARTITION, rowKey: aadObjectId })) ??
    (await ctx.store.members.get({ partitionKey: SUSPENDED_PARTITION, rowKey: aadObjectId }))
  );
}

/** An active member (suspended ones are not found): who published priorities, whom an administrator allows digests. */
export async function findActiveMember(ctx: Ctx, aadObjectId: string): Promise<Member | undefined> {
  return (await ctx.store.members.get({ partitionKey: MEMBER_PARTITION, rowKey: aadObjectId }))?.value;
}

/** Every active member: for timers and fan-outs that pick recipients by role (never a list shown a page at a time). */
export async function activeMembers(ctx: Ctx): Promise<Member[]> {
  return (await ctx.store.members.listPartition(MEMBER_PARTITION)).map((m) => m.value);
}

/** One organisation's active members (a filter on the organisationId column). */
export async function activeMembersOf(ctx: Ctx, organisationId: string): Promise<Member[]> {
  return (await ctx.store.members.query(odata`PartitionKey eq ${MEMBER_PARTITION} and organisationId eq ${organisationId}`)).map((m) => m.value);
}

/**
 * The concordat administrators in good standing: whom failures, dead letters and access review suspensions are told.
 * The directory names them (at most 20; the admin role comes only from that list: rules/plan.ts memberOfPerson), so
 * this is a point read each, never a read of every member.
 */
export async function administrators(ctx: Ctx, directory?: Pick<Directory, 'administrators'>): Promise<Member[]> {
  const ids = (directory ?? (await loadDirectory(ctx))).administrators;
  const found = await Promise.all(ids.map((id) => findActiveMember(ctx, id)));
  return found.filter((m): m is Member => !!m && m.roles.includes('admin'));
}

export async function allMembers(ctx: Ctx): Promise<Member[]> {
  const [active, suspended] = await Promise.all([
    ctx.store.members.listPartition(MEMBER_PARTITION),
    ctx.store.members.listPartition(SUSPENDED_PARTITION),
  ]);
  return [...active, ...suspended].map((m) => m.value);
}

/**
 * Writes a member row, then its copy in the people index. A change of status
 * moves the row between partitions: the new row is written first, so a crash
 * in between leaves the person findable (findMember prefers the active row)
 * and a retry finishes the move. A crash before the index is written leaves a
 * stale copy for at most a day: the daily access review reconciles the index.
 */
export async function putMember(ctx: Ctx, member: Member, previous?: Stored<Member>): Promise<void> {
  const next = ctx.store.members.keysOf(member);
  if (previous && previous.keys.partitionKey === next.partitionKey) {
    await ctx.store.members.update(member, previous.etag);
  } else {
    await ctx.store.members.upsert(member);
    if (previous) await ctx.store.members.delete(previous.keys);
  }
  await indexMember(ctx, member, previous?.value);
}

/**
 * A people file's members, all or none (one entity group transaction: at most
 * 100, all in the "member" partition), then their index copies.
 */
export async function putMembersTogether(ctx: Ctx, members: Member[], previous: ReadonlyMap<string, Member>): Promise<void> {
  await ctx.store.members.transact(members.map((value) => ({ op: 'upsert' as const, value })));
  for (const m of members) await indexMember(ctx, m, previous.get(m.aadObjectId));
}

/** Removal deletes the row: the next activity finds no member. Audit rows (kept elsewhere) still name them by id. */
export async function deleteMember(ctx: Ctx, member: Stored<Member>): Promise<void> {
  await ctx.store.members.delete(member.keys);
  await ctx.store.peopleIndex.delete(peopleIndexKeys(member.value));
}

async function indexMember(ctx: Ctx, member: Member, previous: Member | undefined): Promise<void> {
  await ctx.store.peopleIndex.upsert(member);
  const old = previous && peopleIndexKeys(previous);
  const now = peopleIndexKeys(member);
  // A new name or organisation moves the copy: the old key's row goes.
  if (old && (old.partitionKey !== now.partitionKey || old.rowKey !== now.rowKey)) await ctx.store.peopleIndex.delete(old);
}

/**
 * Makes the people index match the member rows: writes missing or changed
 * copies, deletes copies of people who are gone. The people list runs it once,
 * to fill the index of a store written before the index existed (people.ts);
 * the daily access review timer checks a few organisations a run instead
 * (reconcileOrganisationIndex).
 */
export async function reconcilePeopleIndex(ctx: Ctx, members: readonly Member[]): Promise<{ written: number; deleted: number }> {
  return syncIndexCopies(ctx, members, await ctx.store.peopleIndex.query("PartitionKey gt ''"));
}

/**
 * Makes one organisation's people index match its member rows (active and suspended): its members are read with a
 * filter on the organisationId column, its copies as one partition. Returns what it wrote and deleted, and how many
 * rows it read, for the daily run's budget.
 */
export async function reconcileOrganisationIndex(ctx: Ctx, organisationId: string): Promise<{ written: number; deleted: number; rowsRead: number }> {
  const [active, suspended, have] = await Promise.all([
    ctx.store.members.query(odata`PartitionKey eq ${MEMBER_PARTITION} and organisationId eq ${organisationId}`),
    ctx.store.members.query(odata`PartitionKey eq ${SUSPENDED_PARTITION} and organisationId eq ${organisationId}`),
    ctx.store.peopleIndex.listPartition(organisationId),
  ]);
  const synced = await syncIndexCopies(ctx, [...active, ...suspended].map((r) => r.value), have);
  return { ...synced, rowsRead: active.length + suspended.length + have.length };
}

/** Writes the copies of `members` missing from `have` or different there, and deletes those of `have` nobody wants. */
async function syncIndexCopies(ctx: Ctx, members: readonly Member[], have: readonly Stored<Member>[]): Promise<{ written: number; deleted: number }> {
  const wanted = new Map(members.map((m) => [keyString(peopleIndexKeys(m)), m]));
  const copies = new Map(have.map((r) => [keyString(r.keys), r.value]));
  let written = 0;
  let deleted = 0;
  for (const [k, m] of wanted) {
    if (JSON.stringify(copies.get(k)) === JSON.stringify(m)) continue;
    await ctx.store.peopleIndex.upsert(m);
    written++;
  }
  for (const r of have) {
    if (wanted.has(keyString(r.keys))) continue;
    await ctx.store.peopleIndex.delete(r.keys);
    deleted++;
  }
  return { written, deleted };
}

const keyString = (k: Keys) => `${k.partitionKey}\u0000${k.rowKey}`;

/** The index copies of one organisation's people from one name to another (both included): a page's details. */
export async function peopleBetween(ctx: Ctx, organisationId: string, first: Pick<Member, 'displayName' | 'aadObjectId'>, last: Pick<Member, 'displayName' | 'aadObjectId'>): Promise<Member[]> {
  const from = peopleIndexKeys({ organisationId, ...first }).rowKey;
  // Exclusive upper bound just past the last key: no key extends another (each ends with a fixed-length object id).
  const to = `${peopleIndexKeys({ organisationId, ...last }).rowKey} `;
  return (await ctx.store.peopleIndex.listPartition(organisationId, { from, to })).map((r) => r.value);
}

/**
 * Where a page of people (or requests) stopped. The next page is the query of
 * the rows after `after` (from the start when absent), resumed at the storage
 * service's `token` when given: the service may answer a query with short or
 * empty responses and a continuation, and resuming its scan (rather than the
 * query again from the last row shown) is what makes every "More" go further.
 */
export interface PeopleCursor {
  after?: Keys;
  token?: string;
}

export interface PeoplePage<T> {
  rows: T[];
  /** Set when more may follow: where the next page starts. */
  next?: PeopleCursor;
  /** Storage requests this page made. */
  requests: number;
}

/**
 * One page of the people index, in name order (by organisation, then name,
 * across organisations): rows after `at` that `match`, at most `size`.
 * Reads at most `maxRequests` storage pages: when fewer than `size` are found
 * within them, it stops where the service got to and `next` continues there.
 */
export async function peoplePage(
  ctx: Ctx,
  scope: { organisationId?: string },
  opts: { size: number; at?: PeopleCursor; match?: (m: Member) => boolean; maxRequests: number },
): Promise<PeoplePage<Member>> {
  const after = opts.at?.after;
  let filter: string;
  if (scope.organisationId !== undefined) {
    filter = odata`PartitionKey eq ${scope.organisationId}`;
    if (after) filter += ` and ${odata`RowKey gt ${after.rowKey}`}`;
  } else {
    filter = after ? `(${odata`PartitionKey eq ${after.partitionKey} and RowKey gt ${after.rowKey}`}) or ${odata`PartitionKey gt ${after.partitionKey}`}` : "PartitionKey gt ''";
  }
  return scanPage(ctx.store.peopleIndex, filter, opts, opts.at);
}

/**
 * One page of pending join requests (every organisation's, or those routed to
 * one organisation's approvers), in requester id order: requests are few and
 * short-lived, so no name order is kept for them.
 */
export async function pendingRequestsPage(ctx: Ctx, scope: { organisationId?: string }, opts: { size: number; at?: PeopleCursor; match?: (r: AccessRequest) => boolean; maxRequests: number }): Promise<PeoplePage<AccessRequest>> {
  let filter = odata`PartitionKey eq ${REQUEST_PARTITION} and status eq ${'pending'}`;
  if (scope.organisationId !== undefined) filter += ` and ${odata`organisationId eq ${scope.organisationId} and routedTo eq ${'organisation'}`}`;
  if (opts.at?.after) filter += ` and ${odata`RowKey gt ${opts.at.after.rowKey}`}`;
  return scanPage(ctx.store.joinRequests, filter, opts, opts.at);
}

/**
 * Reads storage pages of `filter` (the query of the rows after `at.after`),
 * from the service's `at.token` when given, until `size` matching rows and
 * one more are found (so "more" is known, not guessed), the rows run out, or
 * the request budget is spent. A full page continues after its last row (a
 * new query from there). A page cut short by the budget continues the same
 * query at the service's token: every row before it has been examined, so
 * nothing repeats or is skipped, and the next page starts further on even
 * when every response this turn was empty.
 */
async function scanPage<T>(
  table: { page(filter: string, opts: { maxPageSize: number; continuationToken?: string }): Promise<{ rows: Stored<T>[]; next?: string }> },
  filter: string,
  opts: { size: number; match?: (v: T) => boolean; maxRequests: number },
  at: PeopleCursor | undefined,
): Promise<PeoplePage<T>> {
  const { size, match } = opts;
  const found: Stored<T>[] = [];
  let token = at?.token;
  let requests = 0;
  do {
    // Without a filter in memory, exactly one more row than a page says whether more follow; a search reads wide.
    const page = await table.page(filter, { maxPageSize: match ? 1000 : size + 1 - found.length, ...(token ? { continuationToken: token } : {}) });
    requests++;
    for (const row of page.rows) {
      if (match && !match(row.value)) continue;
      if (found.length === size) return { rows: found.map((r) => r.value), next: { after: found.at(-1)!.keys }, requests };
      found.push(row);
    }
    token = page.next;
  } while (token && requests < Math.max(1, opts.maxRequests));
  const rows = found.map((r) => r.value);
  return token ? { rows, next: { ...(at?.after ? { after: at.after } : {}), token }, requests } : { rows, requests };
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

/**
 * An organisation's newest review round. A round stored before entry rows existed (its people inline) is converted
 * here, the first time it is read: its entry rows are written, then the row loses its list (with its ETag, so a
 * second reader converting at the same time changes nothing twice). Both steps re-run safely after a crash.
 */
export async function latestReview(ctx: Ctx, organisationId: string, rounds?: readonly Stored<AccessReview>[]): Promise<Stored<AccessReview> | undefined> {
  const latest = (rounds ?? (await reviewRounds(ctx, organisationId))).at(-1);
  if (!latest?.value.members) return latest;
  const legacy = latest.value;
  await writeRoundEntries(ctx, legacy, legacy.members!.map((m) => ({ aadObjectId: m.aadObjectId, displayName: m.displayName.slice(0, 120) || m.aadObjectId, outcome: m.outcome })));
  // Its cards went out when it opened, in the old shape: nothing is announced again.
  const converted = await ctx.store.accessReviews.mutate(latest.keys, (r) => (r?.members ? { ...withoutMembers(r), announcedAt: r.announcedAt ?? r.openedAt } : undefined));
  return converted ?? latest;
}

/** An organisation's review rounds, oldest first (at most REVIEW_ROUNDS_KEPT and the one opening: a handful of rows). */
export async function reviewRounds(ctx: Ctx, organisationId: string): Promise<Stored<AccessReview>[]> {
  return ctx.store.accessReviews.listPartition(organisationId);
}

/** Where the daily run got to (undefined before its first run). */
export async function readRunCursor(ctx: Ctx): Promise<ReviewRunCursor | undefined> {
  return (await ctx.store.accessReviewRuns.get(REVIEW_RUN_KEYS))?.value;
}

export async function writeRunCursor(ctx: Ctx, cursor: ReviewRunCursor): Promise<void> {
  await ctx.store.accessReviewRuns.upsert(cursor);
}

const withoutMembers = ({ members: _members, ...rest }: AccessReview): AccessReview => rest;

/** Creates a round's row (its people are written next, by writeRoundEntries). Two runs opening the same round: the first wins. */
export async function createReview(ctx: Ctx, review: AccessReview): Promise<Stored<AccessReview> | undefined> {
  try {
    return await ctx.store.accessReviews.create(review);
  } catch (err) {
    if (err instanceof ConcurrencyError) return undefined;
    throw err;
  }
}

export async function mutateReview(ctx: Ctx, review: AccessReview, change: (r: AccessReview) => AccessReview | undefined): Promise<AccessReview | undefined> {
  const keys = ctx.store.accessReviews.keysOf(review);
  return (await ctx.store.accessReviews.mutate(keys, (r) => (r ? change(r) : undefined)))?.value;
}

type RoundId = Pick<AccessReview, 'organisationId' | 'round'>;
const roundPartition = (r: RoundId) => reviewEntriesPartition(r.organisationId, r.round);

/** A round's counts; undefined while the round is still being opened (its people not all written). */
export async function readTally(ctx: Ctx, review: RoundId): Promise<ReviewTally | undefined> {
  const row = (await ctx.store.accessReviewEntries.get({ partitionKey: roundPartition(review), rowKey: REVIEW_TALLY_KEY }))?.value;
  return row?.kind === 'tally' ? row : undefined;
}

/** Transactions of one partition hold at most 100 operations. */
const BATCH = 100;

/**
 * One page of an organisation's active members in object id order, after the id `after` ('' for the start): a
 * step of opening a review round reads one such page (at most `size` rows), never the whole organisation.
 * `continuation` goes on with the service's scan of the same query (from the same `after`).
 */
export async function activeMembersPage(ctx: Ctx, organisationId: string, opts: { after: string; size: number; continuation?: string }): Promise<{ members: Member[]; next?: string }> {
  const filter = odata`PartitionKey eq ${MEMBER_PARTITION} and organisationId eq ${organisationId} and RowKey gt ${opts.after}`;
  const page = await ctx.store.members.page(filter, { maxPageSize: opts.size, ...(opts.continuation ? { continuationToken: opts.continuation } : {}) });
  const members = page.rows.map((r) => r.value);
  return page.next ? { members, next: page.next } : { members };
}

type RoundPerson = ReviewPerson & { outcome: ReviewOutcome };

/**
 * Writes some of a round's people: those whose object ids lie after `range.after` ('' for the start) up to and
 * including `range.through` (to the end when absent), a row each plus a name-ordered row for each one pending.
 * Rows an earlier attempt left in that range for someone no longer in it go first (and a pending row under a name
 * since changed), so a step re-run after a stop, perhaps with people joined or gone since, leaves exactly `people`
 * there. Reads the rows of that range only; each person's rows are written in one transaction.
 */
export async function writeRoundPeople(ctx: Ctx, review: RoundId, range: { after: string; through?: string }, people: readonly RoundPerson[]): Promise<void> {
  const table = ctx.store.accessReviewEntries;
  const partitionKey = roundPartition(review);
  const base = { organisationId: review.organisationId, round: review.round };
  // Entry rows sort "e|<oid>"; '}' sorts after '|', so "e}" bounds them all.
  const upTo = range.through !== undefined ? odata`RowKey le ${reviewEntryRowKey(range.through)}` : odata`RowKey lt ${'e}'}`;
  const there = await table.query(`${odata`PartitionKey eq ${partitionKey} and RowKey gt ${reviewEntryRowKey(range.after)}`} and ${upTo}`);
  const wanted = new Map(people.map((p) => [p.aadObjectId, p]));
  const stale: Keys[][] = [];
  for (const row of there) {
    if (row.value.kind !== 'entry') continue;
    const was = row.value;
    const now = wanted.get(was.aadObjectId);
    const pendingRow = { partitionKey, rowKey: reviewPendingRowKey(was) };
    if (!now) stale.push(was.outcome === 'pending' ? [row.keys, pendingRow] : [row.keys]);
    else if (was.outcome === 'pending' && reviewPendingRowKey(now) !== pendingRow.rowKey) stale.push([pendingRow]);
  }
  const perBatch = Math.floor(BATCH / 2);
  for (let i = 0; i < stale.length; i += perBatch) {
    await table.transact(stale.slice(i, i + perBatch).flat().map((keys) => ({ op: 'delete' as const, keys })));
  }
  const rowsOf = (p: RoundPerson): ReviewEntryRow[] => [
    { kind: 'entry', ...base, aadObjectId: p.aadObjectId, displayName: p.displayName, outcome: p.outcome },
    ...(p.outcome === 'pending' ? [{ kind: 'pending' as const, ...base, aadObjectId: p.aadObjectId, displayName: p.displayName }] : []),
  ];
  for (let i = 0; i < people.length; i += perBatch) {
    await table.transact(people.slice(i, i + perBatch).flatMap(rowsOf).map((value) => ({ op: 'upsert' as const, value })));
  }
}

/**
 * Records how far the opening of a round has got (`opening`), only if it is still where this step began (`from`):
 * a step's people are counted once, whoever re-runs it. Returns where the round's opening now stands.
 */
export async function advanceOpening(ctx: Ctx, review: AccessReview, from: OpeningProgress, to: OpeningProgress): Promise<OpeningProgress> {
  const now = await mutateReview(ctx, review, (r) => ((r.opening?.after ?? '') === from.after && (r.opening?.people ?? 0) === from.people ? { ...r, opening: to } : undefined));
  if (!now) throw new Error(`review round ${review.organisationId} ${review.round} is gone while it opens`);
  return now.opening ?? { after: '', people: 0 };
}

/** Writes a round's tally, which says its people are all there; if another run wrote it first, that one (it counts the same rows). */
export async function writeTally(ctx: Ctx, tally: ReviewTally): Promise<ReviewTally> {
  try {
    await ctx.store.accessReviewEntries.create(tally);
    return tally;
  } catch (err) {
    if (err instanceof ConcurrencyError) return (await readTally(ctx, tally)) ?? tally;
    throw err;
  }
}

/**
 * Writes all of a round's people at once, then the tally: for converting a round stored with its people inline
 * (at most 500). Once the tally exists nothing is written again, so a retry never undoes a decision.
 */
export async function writeRoundEntries(ctx: Ctx, review: RoundId, people: readonly RoundPerson[]): Promise<ReviewTally> {
  const done = await readTally(ctx, review);
  if (done) return done;
  await writeRoundPeople(ctx, review, { after: '' }, people);
  const count = (o: ReviewOutcome) => people.filter((p) => p.outcome === o).length;
  return writeTally(ctx, { kind: 'tally', organisationId: review.organisationId, round: review.round, total: people.length, confirmed: count('confirmed'), removed: count('removed'), suspended: count('suspended') });
}

/** One person's entry in a round (undefined if they are not in it). */
export async function findReviewEntry(ctx: Ctx, review: RoundId, aadObjectId: string): Promise<Stored<ReviewEntry> | undefined> {
  const row = await ctx.store.accessReviewEntries.get({ partitionKey: roundPartition(review), rowKey: reviewEntryRowKey(aadObjectId) });
  return row?.value.kind === 'entry' ? (row as Stored<ReviewEntry>) : undefined;
}

/**
 * People still pending in a round, in name order, from `fromKey` (included) or after `afterKey` (an order key:
 * rules/people.ts personOrderKey), at most `size` and whether more follow. One range read of the pending rows.
 */
export async function pendingReviewPeople(ctx: Ctx, review: RoundId, at: { fromKey?: string; afterKey?: string }, size: number): Promise<{ people: ReviewPerson[]; more: boolean }> {
  let filter = odata`PartitionKey eq ${roundPartition(review)} and RowKey lt ${REVIEW_PENDING_RANGE.to}`;
  if (at.afterKey !== undefined) filter += ` and ${odata`RowKey gt ${`p|${at.afterKey}`}`}`;
  else filter += ` and ${odata`RowKey ge ${`p|${at.fromKey ?? ''}`}`}`;
  const found: ReviewPerson[] = [];
  let token: string | undefined;
  // The service may end a page early (Azure: after 5 s); a second request covers that without scanning on.
  for (let requests = 0; requests < 3 && found.length <= size; requests++) {
    const page = await ctx.store.accessReviewEntries.page(filter, { maxPageSize: size + 1 - found.length, continuationToken: token });
    for (const r of page.rows) if (r.value.kind === 'pending') found.push({ aadObjectId: r.value.aadObjectId, displayName: r.value.displayName });
    if (!page.next) break;
    token = page.next;
  }
  return { people: found.slice(0, size), more: found.length > size };
}

/**
 * Records one outcome for the people of a round still pending among `ids`, with the tally, in one transaction
 * (ETags on every entry and the tally: a decision made meanwhile by someone else makes it re-read and skip that
 * person). People already decided, or not in the round, are left as they are. Returns who was decided now.
 */
export async function decideReviewEntries(ctx: Ctx, review: RoundId, ids: readonly string[], outcome: Exclude<ReviewOutcome, 'pending'>, decidedAt: string): Promise<{ decided: ReviewPerson[]; tally?: ReviewTally }> {
  const table = ctx.store.accessReviewEntries;
  // Two rows per person and the tally in one transaction.
  const unique = [...new Set(ids)].slice(0, Math.floor((BATCH - 1) / 2));
  for (let attempt = 1; ; attempt++) {
    const [tallyRow, ...entries] = await Promise.all([
      table.get({ partitionKey: roundPartition(review), rowKey: REVIEW_TALLY_KEY }),
      ...unique.map((id) => findReviewEntry(ctx, review, id)),
    ]);
    if (tallyRow?.value.kind !== 'tally') return { decided: [] };
    const pending = entries.filter((e): e is Stored<ReviewEntry> => e?.value.outcome === 'pending');
    const tally = tallyRow.value;
    if (pending.length === 0) return { decided: [], tally };
    const next: ReviewTally = { ...tally, [outcome]: tally[outcome] + pending.length };
    try {
      await table.transact([
        ...pending.flatMap((e) => [
          { op: 'update' as const, value: { ...e.value, outcome, decidedAt }, etag: e.etag },
          { op: 'delete' as const, keys: { partitionKey: e.keys.partitionKey, rowKey: reviewPendingRowKey(e.value) } },
        ]),
        { op: 'update' as const, value: next, etag: tallyRow.etag },
      ]);
      return { decided: pending.map((e) => ({ aadObjectId: e.value.aadObjectId, displayName: e.value.displayName })), tally: next };
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || attempt >= 8) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

/** Names of people a round suspended (for the administrators' message): at most `limit`, in object id order. */
export async function suspendedInRound(ctx: Ctx, review: RoundId, limit: number): Promise<string[]> {
  const page = await ctx.store.accessReviewEntries.page(odata`PartitionKey eq ${roundPartition(review)} and outcome eq ${'suspended'}`, { maxPageSize: limit });
  return page.rows.flatMap((r) => (r.value.kind === 'entry' ? [r.value.displayName] : []));
}

/**
 * Deletes requests decided before `cutoff` (pending ones stay until decided). Reads the decided ones (the decision's
 * date is in the row's JSON, not a column the service can filter on): about one a person who joined in 13 months.
 */
export async function deleteDecidedRequests(ctx: Ctx, cutoff: string): Promise<{ deleted: number; rowsRead: number }> {
  const decided = await ctx.store.joinRequests.query(odata`PartitionKey eq ${REQUEST_PARTITION} and status ne ${'pending'}`);
  const old = decided.filter((r) => (r.value.decidedAt ?? r.value.requestedAt) < cutoff);
  for (const r of old) await ctx.store.joinRequests.delete(r.keys, r.etag);
  return { deleted: old.length, rowsRead: decided.length };
}

/** Keeps an organisation's newest `kept` review rounds (row keys sort by month); `rounds`, when already read. */
export async function dropOldReviews(ctx: Ctx, organisationId: string, kept: number, rounds?: readonly Stored<AccessReview>[]): Promise<number> {
  const rows = rounds ?? (await reviewRounds(ctx, organisationId));
  const old = rows.slice(0, Math.max(0, rows.length - kept));
  for (const r of old) {
    // The round's people first: a crash in between leaves the round, and the next run deletes the rest.
    const entries = await ctx.store.accessReviewEntries.listPartition(roundPartition(r.value));
    for (let i = 0; i < entries.length; i += BATCH) await ctx.store.accessReviewEntries.transact(entries.slice(i, i + BATCH).map((e) => ({ op: 'delete' as const, keys: e.keys })));
    await ctx.store.accessReviews.delete(r.keys);
  }
  return old.length;
}
