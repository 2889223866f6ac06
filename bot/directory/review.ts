import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Member } from '../common/member';
import { personalConversationOf } from '../conversation/repository';
import type { Caller } from '../conversation/user';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import { formatInstant } from '../common/dates';
import { auditDirectory } from './audit';
import type { AccessReview, Directory, OpeningProgress, ReviewTally } from './model';
import {
  activeMembersPage,
  advanceOpening,
  allMembers,
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
  readTally,
  reconcilePeopleIndex,
  suspendedInRound,
  writeRoundPeople,
  writeTally,
} from './repository';
import { mayManage } from './rules/permissions';
import { personOrderKey } from './rules/people';
import { addMonths, REVIEW_PAGE, reviewDue, reviewOver, reviewPage, reviewRound, type ReviewPage } from './rules/review';
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
 */
export interface ReviewRun {
  opened: { organisationId: string; round: string; members: number; approversReached: number }[];
  closed: { organisationId: string; round: string; suspended: string[] }[];
  /** Decided join requests and old review rounds deleted (their retention, bot/retention/policies.ts). */
  pruned: number;
  /** People index copies written (missing or stale) and deleted (their member gone): see reconcilePeopleIndex. */
  indexed: { written: number; deleted: number };
}

/** Decided join requests are kept 13 months after the decision; review rounds, the last 8 per organisation. */
export const JOIN_REQUEST_RETENTION_MONTHS = 13;
export const REVIEW_ROUNDS_KEPT = 8;

async function pruneDirectoryHistory(ctx: AppContext, now: Date, directory: Directory): Promise<number> {
  const cutoff = new Date(addMonths(now.toISOString(), -JOIN_REQUEST_RETENTION_MONTHS)).toISOString();
  let pruned = await deleteDecidedRequests(ctx, cutoff);
  for (const org of directory.organisations) pruned += await dropOldReviews(ctx, org.id, REVIEW_ROUNDS_KEPT);
  return pruned;
}

const reviewable = (m: Member) => m.status !== 'suspended' && m.source !== 'file';

export async function runAccessReview(ctx: AppContext): Promise<ReviewRun> {
  const now = ctx.clock();
  const directory = await loadDirectory(ctx);
  const settings = directory.settings.accessReview;
  const members = await allMembers(ctx);
  const run: ReviewRun = { opened: [], closed: [], pruned: await pruneDirectoryHistory(ctx, now, directory), indexed: await reconcilePeopleIndex(ctx, members) };
  for (const org of directory.organisations.filter((o) => !o.retiredAt)) {
    const latest = (await latestReview(ctx, org.id))?.value;
    const mine = members.filter((m) => m.organisationId === org.id && reviewable(m));
    if (latest && !latest.closedAt) {
      if (reviewOver(latest, now)) run.closed.push(await closeRound(ctx, directory, latest));
      // A round whose opening stopped part way (its people, or its cards, not all written) is finished now.
      else if (!latest.announcedAt) run.opened.push(await openRound(ctx, latest, org.name, members));
      continue;
    }
    if (mine.length === 0 || !reviewDue(now, settings.everyMonths, latest?.openedAt, mine.map((m) => m.confirmedAt ?? m.joinedAt))) continue;
    const review: AccessReview = {
      organisationId: org.id,
      round: reviewRound(now),
      openedAt: now.toISOString(),
      deadline: new Date(now.getTime() + settings.deadlineDays * 86_400_000).toISOString(),
    };
    const created = await createReview(ctx, review);
    run.opened.push(await openRound(ctx, created?.value ?? (await latestReview(ctx, org.id))!.value, org.name, members));
  }
  return run;
}

/** Members read, and their rows written, per step of opening a round: one page of the Members table, two transactions. */
export const OPEN_STEP = 100;

/**
 * Opening a round, each step safe to re-run: its people are written a step at a time (a row each: a round of any
 * size), the approvers' cards queued with fixed ids, then the round is marked announced. A run that stops part
 * way leaves the round unannounced, and the next daily run finishes it, from where the last step ended.
 */
async function openRound(ctx: AppContext, review: AccessReview, organisationName: string, members: Member[]): Promise<ReviewRun['opened'][number]> {
  const tally = (await readTally(ctx, review)) ?? (await writeRoundInSteps(ctx, review));
  const org = review.organisationId;
  const approvers = members.filter((m) => m.organisationId === org && m.status !== 'suspended' && m.roles.includes('orgLead'));
  // No approver of its own: the concordat administrators review it.
  const reviewers = approvers.length ? approvers : members.filter((m) => m.status !== 'suspended' && m.roles.includes('admin'));
  let reached = 0;
  // Card modules load when there is something to post: an idle timer run never loads the card templating (cold start).
  const { reviewCard } = await import('./views');
  const page = reviewPage(await pendingReviewPeople(ctx, review, {}, REVIEW_PAGE), tally);
  // The details of those shown: one range read of the index, as every later page of the card.
  const shown = page.shown.length ? await peopleBetween(ctx, org, page.shown[0]!, page.shown.at(-1)!) : [];
  for (const r of reviewers) {
    const chat = await personalConversationOf(ctx, r.aadObjectId);
    if (!chat) continue;
    const card = reviewCard(review, tally, organisationName, ctx.config.timeZone, { members: shown, page, more: reviewMoreToken(ctx, r.aadObjectId, review, page.next) });
    await enqueue(ctx, `review.${org}.${review.round}`, [
      { id: `review.${org}.${review.round}.to.${r.aadObjectId}`, target: targetOf(chat), payload: { card, summary: `Access review for ${organisationName}` } },
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
 * object id order), their rows, then how far it got, on the round's row. A run that stops part way leaves the
 * round where its last step ended and the next run goes on from there; a step re-run writes its rows once and
 * counts its people once. Then the tally, which says they are all there.
 */
async function writeRoundInSteps(ctx: AppContext, review: AccessReview): Promise<ReviewTally> {
  let at: OpeningProgress = review.opening ?? { after: '', people: 0 };
  // One query from where the round's opening stood, read on with the service's continuation.
  let from = at.after;
  let continuation: string | undefined;
  for (;;) {
    const page = await activeMembersPage(ctx, review.organisationId, { after: from, size: OPEN_STEP, ...(continuation ? { continuation } : {}) });
    const last = page.members.at(-1)?.aadObjectId;
    if (last !== undefined) {
      const people = page.members.filter(reviewable).map((m) => ({ aadObjectId: m.aadObjectId, displayName: m.displayName, outcome: 'pending' as const }));
      await writeRoundPeople(ctx, review, { after: at.after, through: last }, people);
      const to = { after: last, people: at.people + people.length };
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
  return writeTally(ctx, { kind: 'tally', organisationId: review.organisationId, round: review.round, total: at.people, confirmed: 0, removed: 0, suspended: 0 });
}

/** People suspended per step of closing a round: their member rows and audits (side by side), then their entries with the tally. */
const CLOSE_STEP = 40;

/**
 * Past the deadline: everyone not confirmed is suspended, the administrators told who, and the round closed.
 * Each step re-runs safely: a person is suspended before their entry says so, the message has a fixed id, and
 * the round is closed last.
 */
async function closeRound(ctx: AppContext, directory: Directory, review: AccessReview): Promise<ReviewRun['closed'][number]> {
  const suspended: string[] = [];
  for (;;) {
    const { people } = await pendingReviewPeople(ctx, review, {}, CLOSE_STEP);
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
    const admins = (await allMembers(ctx)).filter((m) => m.status !== 'suspended' && m.roles.includes('admin'));
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
