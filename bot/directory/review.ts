import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Member } from '../common/member';
import { personalConversationOf } from '../conversation/repository';
import type { Caller } from '../conversation/user';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import { formatInstant } from '../common/dates';
import { auditDirectory } from './audit';
import { MAX_APPROVERS, type AccessReview, type Directory, type OpeningProgress, type ReviewRunCursor, type ReviewTally } from './model';
import {
  activeMembersOf,
  activeMembersPage,
  administrators,
  advanceOpening,
  createReview,
  decideReviewEntries,
  deleteDecidedRequests,
  deleteMember,
  dropOldReviews,
  findMember,
  findReviewEntry,
  latestReview,
  loadDirectory,
  mutateReview,
  peopleBetween,
  pendingReviewPeople,
  putMember,
  readRunCursor,
  readTally,
  reconcileOrganisationIndex,
  reviewRounds,
  suspendedInRound,
  writeRoundPeople,
  writeRunCursor,
  writeTally,
} from './repository';
import { mayManage } from './rules/permissions';
import { personOrderKey } from './rules/people';
import { addMonths, membershipDue, REVIEW_PAGE, reviewDue, reviewOver, reviewPage, reviewRound, type ReviewPage } from './rules/review';
import { PAGE_TOKEN_EXPIRED, signPageToken, verifyPageToken } from '../search/rules/pageToken';
import { auditPageTokenRefusal } from '../conversation/refusalAudit';
import { DIRECTORY_VERBS } from './verbs';
import { lazySchema } from '../common/lazySchema';

/**
 * The access review, on a timer (daily; idempotent). Every `everyMonths`
 * each organisation's approvers get a card listing its members to confirm or
 * remove; members still unconfirmed `deadlineDays` later are suspended and
 * the administrators told. People named in the partnership file are reviewed
 * where the file is (its pull requests), not here.
 *
 * Bounded at the region's size (~5,000 staff in ~31 organisations): a run reads, per organisation, what that
 * organisation's decision needs (its few round rows; its members only while a round opens, or until one member shows
 * a first round is due), never the Members table whole. It reads at most RUN_BUDGET: past it, it stops where it is
 * (rounds keep how far they got; the run's cursor names the organisation) and the next run goes on from there.
 */
export interface ReviewRun {
  opened: { organisationId: string; round: string; members: number; approversReached: number }[];
  closed: { organisationId: string; round: string; suspended: string[] }[];
  /** Decided join requests and old review rounds deleted (their retention, bot/retention/policies.ts). */
  pruned: number;
  /** People index copies written (missing or stale) and deleted (their member gone), and the organisations checked. */
  indexed: { written: number; deleted: number; organisations: string[] };
  /** What the run read, by its own count (rows returned and requests), against RUN_BUDGET. */
  reads: { rows: number; requests: number };
  /** Set when the budget ran out: the organisation the next run starts at. */
  stoppedAt?: string;
}

/** Decided join requests are kept 13 months after the decision; review rounds, the last 8 per organisation. */
export const JOIN_REQUEST_RETENTION_MONTHS = 13;
export const REVIEW_ROUNDS_KEPT = 8;

/**
 * What one daily run may read. Big enough for the heaviest ordinary day (a 1,200-person organisation closing its round
 * reads about three rows a person: its pending row, its member row, its entry), small enough that a day on which
 * every organisation opens or closes at once is spread over a few runs rather than one unbounded execution.
 */
export const RUN_BUDGET = { rows: 6_000, requests: 6_000 } as const;
/**
 * Checking the people index: a seventh of the organisations a run, so each is checked once a week, and no more
 * organisations once INDEX_CHECK_ROWS are read (whole organisations: both sides of each are read to compare them).
 */
export const INDEX_CHECK_DAYS = 7;
export const INDEX_CHECK_ROWS = 1_500;

/** Members on the first page read to see whether an organisation's round is due (later pages: OPEN_STEP). */
const DUE_FIRST_PAGE = 10;

/** Counts what the run reads; `spent` once either limit is reached (checked before each step, never inside one). */
class ReadBudget {
  rows = 0;
  requests = 0;
  constructor(private readonly limits: { rows: number; requests: number }) {}
  spend(rows: number, requests = 1): void {
    this.rows += rows;
    this.requests += requests;
  }
  get spent(): boolean {
    return this.rows >= this.limits.rows || this.requests >= this.limits.requests;
  }
}

const reviewable = (m: Member) => m.status !== 'suspended' && m.source !== 'file';

export async function runAccessReview(ctx: AppContext, limits: { rows: number; requests: number } = RUN_BUDGET): Promise<ReviewRun> {
  const now = ctx.clock();
  const directory = await loadDirectory(ctx);
  const budget = new ReadBudget(limits);
  const cursor = await readRunCursor(ctx);
  budget.spend(cursor ? 1 : 0);
  const cutoff = new Date(addMonths(now.toISOString(), -JOIN_REQUEST_RETENTION_MONTHS)).toISOString();
  const requests = await deleteDecidedRequests(ctx, cutoff);
  budget.spend(requests.rowsRead);
  const run: ReviewRun = { opened: [], closed: [], pruned: requests.deleted, indexed: { written: 0, deleted: 0, organisations: [] }, reads: { rows: 0, requests: 0 } };
  // From where the last run stopped, round the partnership once (retired organisations: their old rounds pruned only).
  const orgs = directory.organisations;
  const start = Math.max(0, orgs.findIndex((o) => o.id === cursor?.resumeAt));
  const notDueBefore: NotDueBefore = new Map(Object.entries(cursor?.notDueBefore ?? {}));
  for (let i = 0; i < orgs.length && !run.stoppedAt; i++) {
    const org = orgs[(start + i) % orgs.length]!;
    if (budget.spent || !(await reviewOrganisation(ctx, directory, org, now, budget, run, notDueBefore))) run.stoppedAt = org.id;
  }
  const reconcileNext = run.stoppedAt ? cursor?.reconcileNext : await checkPeopleIndex(ctx, directory, cursor?.reconcileNext, budget, run);
  // Only organisations still in the directory: the row stays as small as the partnership.
  const known = new Set(orgs.filter((o) => !o.retiredAt).map((o) => o.id));
  const memo = Object.fromEntries([...notDueBefore].filter(([id]) => known.has(id)));
  await writeRunCursor(ctx, {
    ...(run.stoppedAt ? { resumeAt: run.stoppedAt } : {}),
    ...(reconcileNext ? { reconcileNext } : {}),
    ...(Object.keys(memo).length ? { notDueBefore: memo } : {}),
    at: now.toISOString(),
  });
  run.reads = { rows: budget.rows, requests: budget.requests };
  return run;
}

type NotDueBefore = Map<string, NonNullable<ReviewRunCursor['notDueBefore']>[string]>;

/** One organisation's part of the run; false when the budget ran out part way (the next run starts here again). */
async function reviewOrganisation(ctx: AppContext, directory: Directory, org: Directory['organisations'][number], now: Date, budget: ReadBudget, run: ReviewRun, notDueBefore: NotDueBefore): Promise<boolean> {
  const settings = directory.settings.accessReview;
  let rounds = await reviewRounds(ctx, org.id);
  budget.spend(rounds.length);
  const dropped = await dropOldReviews(ctx, org.id, REVIEW_ROUNDS_KEPT, rounds);
  run.pruned += dropped;
  rounds = rounds.slice(dropped);
  if (org.retiredAt) return true;
  const latest = (await latestReview(ctx, org.id, rounds))?.value;
  if (latest && !latest.closedAt) {
    if (reviewOver(latest, now)) {
      const closed = await closeRound(ctx, directory, latest, budget);
      if (!closed) return false;
      run.closed.push(closed);
      return true;
    }
    // A round whose opening stopped part way (its people, or its cards, not all written) is finished now.
    if (!latest.announcedAt) {
      const opened = await openRound(ctx, directory, latest, org.name, budget);
      if (!opened) return false;
      run.opened.push(opened);
    }
    return true;
  }
  const due = await roundDue(ctx, org.id, settings.everyMonths, latest?.openedAt, now, budget, notDueBefore);
  if (due === 'stopped') return false;
  if (due === 'no') return true;
  const review: AccessReview = {
    organisationId: org.id,
    round: reviewRound(now),
    openedAt: now.toISOString(),
    deadline: new Date(now.getTime() + settings.deadlineDays * 86_400_000).toISOString(),
  };
  const created = await createReview(ctx, review);
  const opened = await openRound(ctx, directory, created?.value ?? (await latestReview(ctx, org.id))!.value, org.name, budget);
  if (!opened) return false;
  run.opened.push(opened);
  return true;
}

/**
 * Whether an organisation's next round is due, reading its active members a page at a time only as far as the
 * answer needs: after a round, due `everyMonths` after it opened (then one member to review is enough); before the
 * first, once any membership is that old (rules/review.ts membershipDue), so reading stops at the first such member.
 */
async function roundDue(ctx: AppContext, organisationId: string, everyMonths: number, lastOpenedAt: string | undefined, now: Date, budget: ReadBudget, notDueBefore: NotDueBefore): Promise<'yes' | 'no' | 'stopped'> {
  if (lastOpenedAt) {
    notDueBefore.delete(organisationId);
    if (!reviewDue(now, everyMonths, lastOpenedAt, [])) return 'no';
  } else {
    const known = notDueBefore.get(organisationId);
    if (known && known.everyMonths === everyMonths && now.toISOString() < known.at) return 'no';
  }
  let oldest: string | undefined;
  let continuation: string | undefined;
  for (;;) {
    if (budget.spent) return 'stopped';
    // A short first page: usually its first member answers (a round is due, or someone is there to review).
    const page = await activeMembersPage(ctx, organisationId, { after: '', size: continuation ? OPEN_STEP : DUE_FIRST_PAGE, ...(continuation ? { continuation } : {}) });
    budget.spend(page.members.length);
    for (const m of page.members.filter(reviewable)) {
      const since = m.confirmedAt ?? m.joinedAt;
      if (lastOpenedAt !== undefined || membershipDue(now, everyMonths, since)) {
        notDueBefore.delete(organisationId);
        return 'yes';
      }
      if (oldest === undefined || since! < oldest) oldest = since;
    }
    if (!page.next) break;
    continuation = page.next;
  }
  if (!lastOpenedAt) notDueBefore.set(organisationId, { at: addMonths(oldest ?? now.toISOString(), everyMonths).toISOString(), everyMonths });
  return 'no';
}

/**
 * Checks the people index against the member rows a few organisations a run (a seventh of them; fewer once
 * INDEX_CHECK_ROWS are read or the budget is spent), round the partnership from where the last run stopped: a copy
 * left stale by a crash between a member's row and its copy (bot/directory/repository.ts putMember) is put right
 * within a week (longer only if organisations are so large that a run's share cannot hold a seventh of them).
 * Returns the organisation to check next.
 */
async function checkPeopleIndex(ctx: AppContext, directory: Directory, from: string | undefined, budget: ReadBudget, run: ReviewRun): Promise<string | undefined> {
  const ids = directory.organisations.map((o) => o.id).sort();
  if (ids.length === 0) return undefined;
  let at = Math.max(0, ids.indexOf(from ?? ''));
  let read = 0;
  const share = Math.ceil(ids.length / INDEX_CHECK_DAYS);
  for (let n = 0; n < share && read < INDEX_CHECK_ROWS && !budget.spent; n++, at = (at + 1) % ids.length) {
    const done = await reconcileOrganisationIndex(ctx, ids[at]!);
    budget.spend(done.rowsRead, 3);
    read += done.rowsRead;
    run.indexed.written += done.written;
    run.indexed.deleted += done.deleted;
    run.indexed.organisations.push(ids[at]!);
  }
  return ids[at];
}

/** Members read, and their rows written, per step of opening a round: one page of the Members table, two transactions. */
export const OPEN_STEP = 100;

/**
 * Opening a round, each step safe to re-run: its people are written a step at a time (a row each: a round of any
 * size), the approvers' cards queued with fixed ids, then the round is marked announced. A run that stops part
 * way (or whose budget runs out) leaves the round unannounced, and the next daily run finishes it, from where the
 * last step ended. Undefined when the budget ran out first.
 */
async function openRound(ctx: AppContext, directory: Directory, review: AccessReview, organisationName: string, budget: ReadBudget): Promise<ReviewRun['opened'][number] | undefined> {
  const tallied = await readTally(ctx, review);
  const written = tallied ? { tally: tallied, opening: review.opening } : await writeRoundInSteps(ctx, review, budget);
  if (!written) return undefined;
  const { tally, opening } = written;
  const org = review.organisationId;
  // The approvers the steps met; a round whose opening began before they were kept reads them once, now.
  const approvers = opening?.approvers ?? (await activeMembersOf(ctx, org)).filter((m) => m.roles.includes('orgLead')).map((m) => m.aadObjectId);
  // No approver of its own: the concordat administrators review it.
  const reviewers = approvers.length ? approvers : (await administrators(ctx, directory)).map((m) => m.aadObjectId);
  let reached = 0;
  // Card modules load when there is something to post: an idle timer run never loads the card templating (cold start).
  const { reviewCard } = await import('./views');
  const page = reviewPage(await pendingReviewPeople(ctx, review, {}, REVIEW_PAGE), tally);
  // The details of those shown: one range read of the index, as every later page of the card.
  const shown = page.shown.length ? await peopleBetween(ctx, org, page.shown[0]!, page.shown.at(-1)!) : [];
  for (const r of reviewers) {
    const chat = await personalConversationOf(ctx, r);
    if (!chat) continue;
    const card = reviewCard(review, tally, organisationName, ctx.config.timeZone, { members: shown, page, more: reviewMoreToken(ctx, r, review, page.next) });
    await enqueue(ctx, `review.${org}.${review.round}`, [
      { id: `review.${org}.${review.round}.to.${r}`, target: targetOf(chat), payload: { card, summary: `Access review for ${organisationName}` } },
    ]);
    reached++;
  }
  await auditDirectory(ctx, { id: `review-open-${org}-${review.round}`, at: review.openedAt, action: 'consultation', actor: 'system', subject: { type: 'directory', id: `review:${org}:${review.round}` }, note: `access review opened: ${tally.total} members to confirm by ${review.deadline}`, justification: 'periodic access review under the information-sharing agreement' });
  const announcedAt = ctx.clock().toISOString();
  await mutateReview(ctx, review, (r) => (r.announcedAt ? undefined : { ...r, announcedAt }));
  return { organisationId: org, round: review.round, members: tally.total, approversReached: reached };
}

/**
 * Writes a round's people a step at a time: a page of at most OPEN_STEP of the organisation's active members (in
 * object id order), their rows, then how far it got (and the approvers met), on the round's row. A run that stops
 * part way, or whose budget runs out, leaves the round where its last step ended and the next run goes on from there;
 * a step re-run writes its rows once and counts its people once. Then the tally, which says they are all there.
 */
async function writeRoundInSteps(ctx: AppContext, review: AccessReview, budget: ReadBudget): Promise<{ tally: ReviewTally; opening: OpeningProgress } | undefined> {
  let at: OpeningProgress = review.opening ?? { after: '', people: 0, approvers: [] };
  // One query from where the round's opening stood, read on with the service's continuation.
  let from = at.after;
  let continuation: string | undefined;
  for (;;) {
    if (budget.spent) return undefined;
    const page = await activeMembersPage(ctx, review.organisationId, { after: from, size: OPEN_STEP, ...(continuation ? { continuation } : {}) });
    budget.spend(page.members.length);
    const last = page.members.at(-1)?.aadObjectId;
    if (last !== undefined) {
      const people = page.members.filter(reviewable).map((m) => ({ aadObjectId: m.aadObjectId, displayName: m.displayName, outcome: 'pending' as const }));
      await writeRoundPeople(ctx, review, { after: at.after, through: last }, people);
      const met = page.members.filter((m) => m.roles.includes('orgLead')).map((m) => m.aadObjectId);
      const approvers = at.approvers && [...new Set([...at.approvers, ...met])].slice(0, MAX_APPROVERS);
      const to: OpeningProgress = { after: last, people: at.people + people.length, ...(approvers ? { approvers } : {}) };
      const now = await advanceOpening(ctx, review, at, to);
      if (now.after !== to.after || now.people !== to.people) {
        // Another run is opening this round too and got there first: on from where it has got to.
        at = now;
        from = now.after;
        continuation = undefined;
        continue;
      }
      at = to;
    }
    if (!page.next) break;
    continuation = page.next;
  }
  // Past the last member: rows an earlier attempt wrote for people who have gone since.
  await writeRoundPeople(ctx, review, { after: at.after }, []);
  const tally = await writeTally(ctx, { kind: 'tally', organisationId: review.organisationId, round: review.round, total: at.people, confirmed: 0, removed: 0, suspended: 0 });
  return { tally, opening: at };
}

/** People suspended per step of closing a round: their member rows and audits (side by side), then their entries with the tally. */
const CLOSE_STEP = 40;

/**
 * Past the deadline: everyone not confirmed is suspended, the administrators told who, and the round closed.
 * Each step re-runs safely: a person is suspended before their entry says so, the message has a fixed id, and
 * the round is closed last. Undefined when the budget ran out first: the next run goes on with whoever is left.
 */
async function closeRound(ctx: AppContext, directory: Directory, review: AccessReview, budget: ReadBudget): Promise<ReviewRun['closed'][number] | undefined> {
  const suspended: string[] = [];
  for (;;) {
    if (budget.spent) return undefined;
    const { people } = await pendingReviewPeople(ctx, review, {}, CLOSE_STEP);
    // A pending row, at most two point reads of the member (the active row, then the suspended one) and one of the entry, each person.
    budget.spend(people.length * 3 + 1, people.length * 3 + 1);
    if (people.length === 0) break;
    // Side by side: each person's rows and audit chain are their own (thousands pending would take minutes one by one).
    await Promise.all(
      people.map(async (entry) => {
        const stored = await findMember(ctx, entry.aadObjectId);
        if (stored && stored.value.status !== 'suspended') {
          await putMember(ctx, { ...stored.value, status: 'suspended' }, stored);
          await auditDirectory(ctx, { id: `review-suspend-${review.organisationId}-${review.round}-${entry.aadObjectId}`, at: review.deadline, action: 'alteration', actor: 'system', subject: { type: 'member', id: entry.aadObjectId }, note: `suspended: not confirmed in access review ${review.round} of ${review.organisationId} by its deadline` });
        }
      }),
    );
    const { decided } = await decideReviewEntries(ctx, review, people.map((p) => p.aadObjectId), 'suspended', review.deadline);
    suspended.push(...decided.map((p) => p.displayName));
    // Nothing decided although people were pending: their rows disagree (never written together); stop rather than loop.
    if (decided.length === 0) break;
  }
  // Counted from the round, not this run: a run that stopped part way and this one together.
  const tally = await readTally(ctx, review);
  const count = tally?.suspended ?? suspended.length;
  const org = directory.organisations.find((o) => o.id === review.organisationId)?.name ?? review.organisationId;
  if (count) {
    const names = await suspendedInRound(ctx, review, 30);
    // The administrators the directory names: a point read each, not a read of every member.
    const admins = await administrators(ctx, directory);
    const { messageCard } = await import('../../cards/message');
    for (const a of admins) {
      const chat = await personalConversationOf(ctx, a.aadObjectId);
      if (!chat) continue;
      await enqueue(ctx, `review.${review.organisationId}.${review.round}`, [
        {
          id: `review.${review.organisationId}.${review.round}.closed.${a.aadObjectId}`,
          target: targetOf(chat),
          payload: {
            card: messageCard({
              title: `Access review: ${count} suspended at ${org}`,
              text: `Not confirmed by ${formatInstant(review.deadline, ctx.config.timeZone, 'date')}, so suspended: ${names.join(', ')}${count > names.length ? ` and ${count - names.length} more` : ''}. An approver or administrator can reinstate them from **people**.`,
              tone: 'warning',
            }),
            summary: `Access review: ${count} suspended at ${org}`,
          },
        },
      ]);
    }
  }
  const closedAt = ctx.clock().toISOString();
  await mutateReview(ctx, review, (r) => (r.closedAt ? undefined : { ...r, closedAt }));
  return { organisationId: review.organisationId, round: review.round, suspended };
}

/** What a review "More" token stands for: one organisation's round. */
const ReviewQuery = lazySchema(() => z.object({ list: z.literal('review'), organisationId: z.string().max(60), round: z.string().max(10) }));

function reviewMoreToken(ctx: AppContext, user: string, review: AccessReview, next: string | undefined): string | undefined {
  return next ? signPageToken(ctx.config.referenceHashKey, { user, query: { list: 'review', organisationId: review.organisationId, round: review.round }, continuation: next }, ctx.clock()) : undefined;
}

export type ReviewActionResult =
  | { kind: 'missing' }
  | { kind: 'refused' }
  | { kind: 'bad-token'; reason: string }
  | { kind: 'updated'; review: AccessReview; tally: ReviewTally; organisationName: string; note?: string; page: ReviewPage; members: Member[]; more?: string };

const textIn = (d: Record<string, unknown>, key: string, max: number) => (typeof d[key] === 'string' ? (d[key] as string).slice(0, max) : '');

/** The open round of an organisation, for someone who may act on it (refusals audited). */
async function loadRound(ctx: AppContext, caller: Caller, organisationId: string, round: string, action: string) {
  const latest = organisationId ? (await latestReview(ctx, organisationId))?.value : undefined;
  if (!latest || latest.round !== round) return { kind: 'missing' as const };
  if (!mayManage(caller.member, { organisationId })) {
    await auditDirectory(ctx, { action: 'refusal', actor: caller.aadObjectId ? { aadObjectId: caller.aadObjectId, organisationId: caller.member?.organisationId } : 'system', subject: { type: 'directory', id: `review:${organisationId}:${round}` }, note: `review ${action} refused: not an approver of ${organisationId}` });
    return { kind: 'refused' as const };
  }
  // A round still being opened has no card out yet: nothing to act on.
  const tally = await readTally(ctx, latest);
  if (!tally) return { kind: 'missing' as const };
  const directory = await loadDirectory(ctx);
  return { kind: 'ok' as const, latest, tally, organisationName: directory.organisations.find((o) => o.id === organisationId)?.name ?? organisationId };
}

/**
 * A page of the round for the card: who is shown (one range read of the pending people, from the person a card
 * showed first or after an order key), their member details (one range read of the index), the next page's token.
 */
async function pageResult(ctx: AppContext, caller: Caller, review: AccessReview, tally: ReviewTally, organisationName: string, at: { from?: string; after?: string }, note?: string): Promise<ReviewActionResult> {
  const fromEntry = at.from ? (await findReviewEntry(ctx, review, at.from))?.value : undefined;
  let found = await pendingReviewPeople(ctx, review, at.after !== undefined ? { afterKey: at.after } : { fromKey: fromEntry ? personOrderKey(fromEntry) : undefined }, REVIEW_PAGE);
  // Everyone from there on decided: back to the top of who is left.
  if (found.people.length === 0 && at.from) found = await pendingReviewPeople(ctx, review, {}, REVIEW_PAGE);
  const page = reviewPage(found, tally);
  const members = page.shown.length ? await peopleBetween(ctx, review.organisationId, page.shown[0]!, page.shown.at(-1)!) : [];
  const more = reviewMoreToken(ctx, caller.aadObjectId!, review, page.next);
  return { kind: 'updated', review, tally, organisationName, page, members, ...(note ? { note } : {}), ...(more ? { more } : {}) };
}

/** "More" on the review card: the next page of people still to confirm. */
export async function reviewMore(ctx: AppContext, caller: Caller, data: unknown): Promise<ReviewActionResult> {
  const d = (data ?? {}) as Record<string, unknown>;
  const check = verifyPageToken(ctx.config.referenceHashKey, d.more, caller.aadObjectId ?? '', ReviewQuery, ctx.clock());
  if (!check.ok) {
    // Someone else's button or an edited one is audited as a refusal; an expired one (the caller's own) only logged.
    await auditPageTokenRefusal(ctx, { aadObjectId: caller.aadObjectId, organisationId: caller.member?.organisationId }, `action:${DIRECTORY_VERBS.reviewMore}`, 'access review', check.reason);
    if (check.reason !== PAGE_TOKEN_EXPIRED) return { kind: 'bad-token', reason: check.reason };
    // Expired: the round as it is now, from the top.
    const loaded = await loadRound(ctx, caller, textIn(d, 'organisationId', 60), textIn(d, 'round', 10), 'page');
    return loaded.kind === 'ok' ? pageResult(ctx, caller, loaded.latest, loaded.tally, loaded.organisationName, {}, 'That list was more than a day old, so here is its first page again.') : loaded;
  }
  const loaded = await loadRound(ctx, caller, check.query.organisationId, check.query.round, 'page');
  if (loaded.kind !== 'ok') return loaded;
  return pageResult(ctx, caller, loaded.latest, loaded.tally, loaded.organisationName, { after: check.continuation });
}

/**
 * Confirm or remove one member (or confirm all shown) from the review card. The member rows change first, then
 * the round's entries: a retry after a failure in between finds the entries still pending and does both again
 * (confirming twice is harmless; a removed member is already gone, and their entry is still recorded).
 */
export async function reviewAction(ctx: AppContext, caller: Caller, data: unknown, action: 'confirm' | 'remove' | 'confirmAll'): Promise<ReviewActionResult> {
  const d = (data ?? {}) as Record<string, unknown>;
  const organisationId = textIn(d, 'organisationId', 60);
  const round = textIn(d, 'round', 10);
  const loaded = await loadRound(ctx, caller, organisationId, round, action);
  if (loaded.kind !== 'ok') return loaded;
  const { latest, organisationName } = loaded;
  const from = textIn(d, 'from', 64) || undefined;
  if (latest.closedAt) return pageResult(ctx, caller, latest, loaded.tally, organisationName, { from }, 'This review has closed.');
  // Past its deadline the round is over even before the daily run closes it: a confirmation pressed now would keep
  // someone the round suspends. A removal still counts: it only takes access away.
  if (action !== 'remove' && reviewOver(latest, ctx.clock())) {
    return pageResult(ctx, caller, latest, loaded.tally, organisationName, { from }, 'This review closed at its deadline: nobody can be confirmed in it now. Whoever was not confirmed is suspended, and can be reinstated from **people**.');
  }
  // "Confirm all shown": the ids the card showed (older cards without them: the first page, as it showed).
  const named = action === 'confirmAll' ? textIn(d, 'members', 2000).split(',').filter(Boolean) : [textIn(d, 'member', 64)];
  const asked = action === 'confirmAll' && named.length === 0 ? (await pendingReviewPeople(ctx, latest, {}, REVIEW_PAGE)).people.map((p) => p.aadObjectId) : named.slice(0, REVIEW_PAGE);
  // Only people of this round still pending: one point read each.
  const targets = (await Promise.all(asked.map((id) => (/^[0-9a-f-]{36}$/i.test(id) ? findReviewEntry(ctx, latest, id) : undefined)))).flatMap((e) => (e?.value.outcome === 'pending' ? [e.value.aadObjectId] : []));
  const now = ctx.clock().toISOString();
  const actor = { aadObjectId: caller.aadObjectId!, organisationId: caller.member?.organisationId };
  for (const id of targets) {
    const stored = await findMember(ctx, id);
    if (!stored || stored.value.organisationId !== organisationId) continue;
    if (action === 'remove') {
      await deleteMember(ctx, stored);
      await auditDirectory(ctx, { action: 'alteration', actor, subject: { type: 'member', id }, note: `removed in access review ${round} of ${organisationId}` });
    } else {
      await putMember(ctx, { ...stored.value, confirmedAt: now }, stored);
      await auditDirectory(ctx, { action: 'alteration', actor, subject: { type: 'member', id }, note: `confirmed in access review ${round} of ${organisationId}` });
    }
  }
  const { tally } = await decideReviewEntries(ctx, latest, targets, action === 'remove' ? 'removed' : 'confirmed', now);
  return pageResult(ctx, caller, latest, tally ?? loaded.tally, organisationName, { from }, action === 'remove' ? 'Removed.' : 'Confirmed.');
}
