import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Member } from '../shared/member';
import { personalConversationOf } from '../conversation/repository';
import type { Caller } from '../conversation/user';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import { londonDate } from '../../cards/format';
import { auditDirectory } from './audit';
import type { AccessReview, Directory } from './model';
import { allMembers, createReview, deleteDecidedRequests, dropOldReviews, findMember, latestReview, loadDirectory, mutateReview, peopleBetween, putMember, deleteMember, reconcilePeopleIndex } from './repository';
import { mayManage } from './rules/access';
import { addMonths, REVIEW_PAGE, reviewDue, reviewPage, reviewRound } from './rules/review';
import { signPageToken, verifyPageToken } from '../search/rules/pageToken';

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
    if (latest && !latest.closedAt) {
      if (now.getTime() >= Date.parse(latest.deadline)) run.closed.push(await closeRound(ctx, directory, latest));
      continue;
    }
    const mine = members.filter((m) => m.organisationId === org.id && reviewable(m));
    if (mine.length === 0 || !reviewDue(now, settings.everyMonths, latest?.openedAt, mine.map((m) => m.confirmedAt ?? m.joinedAt))) continue;
    const review: AccessReview = {
      organisationId: org.id,
      round: reviewRound(now),
      openedAt: now.toISOString(),
      deadline: new Date(now.getTime() + settings.deadlineDays * 86_400_000).toISOString(),
      members: mine.slice(0, 500).map((m) => ({ aadObjectId: m.aadObjectId, displayName: m.displayName, outcome: 'pending' as const })),
    };
    const created = await createReview(ctx, review);
    const current = created?.value ?? (await latestReview(ctx, org.id))!.value;
    // Sent with fixed ids: a second run (or a retry) queues nothing twice.
    const approvers = members.filter((m) => m.organisationId === org.id && m.status !== 'suspended' && m.roles.includes('orgLead'));
    const reviewers = approvers.length ? approvers : members.filter((m) => m.status !== 'suspended' && m.roles.includes('admin'));
    let reached = 0;
    // Card modules load when there is something to post: an idle timer run never loads the card templating (cold start).
    const { reviewCard } = await import('./views');
    const page = reviewPage(current);
    for (const r of reviewers) {
      const chat = await personalConversationOf(ctx, r.aadObjectId);
      if (!chat) continue;
      const card = reviewCard(current, org.name, londonDate(current.deadline), { members: mine, page, more: reviewMoreToken(ctx, r.aadObjectId, current, page.next) });
      await enqueue(ctx, `review.${org.id}.${current.round}`, [
        { id: `review.${org.id}.${current.round}.to.${r.aadObjectId}`, target: targetOf(chat), payload: { card, summary: `Access review for ${org.name}` } },
      ]);
      reached++;
    }
    await auditDirectory(ctx, { id: `review-open-${org.id}-${current.round}`, at: current.openedAt, action: 'consultation', actor: 'system', subject: { type: 'directory', id: `review:${org.id}:${current.round}` }, note: `access review opened: ${current.members.length} members to confirm by ${current.deadline}`, justification: 'periodic access review under the information-sharing agreement' });
    run.opened.push({ organisationId: org.id, round: current.round, members: current.members.length, approversReached: reached });
  }
  return run;
}

/** Past the deadline: everyone not confirmed is suspended; the administrators are told who. */
async function closeRound(ctx: AppContext, directory: Directory, review: AccessReview): Promise<ReviewRun['closed'][number]> {
  const suspended: string[] = [];
  for (const entry of review.members.filter((m) => m.outcome === 'pending')) {
    const stored = await findMember(ctx, entry.aadObjectId);
    if (stored && stored.value.status !== 'suspended') {
      await putMember(ctx, { ...stored.value, status: 'suspended' }, stored);
      await auditDirectory(ctx, { id: `review-suspend-${review.organisationId}-${review.round}-${entry.aadObjectId}`, at: review.deadline, action: 'alteration', actor: 'system', subject: { type: 'member', id: entry.aadObjectId }, note: `suspended: not confirmed in access review ${review.round} of ${review.organisationId} by its deadline` });
    }
    suspended.push(entry.displayName);
  }
  const closedAt = ctx.clock().toISOString();
  await mutateReview(ctx, review, (r) => (r.closedAt ? undefined : { ...r, closedAt, members: r.members.map((m) => (m.outcome === 'pending' ? { ...m, outcome: 'suspended' as const } : m)) }));
  const org = directory.organisations.find((o) => o.id === review.organisationId)?.name ?? review.organisationId;
  if (suspended.length) {
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
              title: `Access review: ${suspended.length} suspended at ${org}`,
              text: `Not confirmed by ${londonDate(review.deadline)}, so suspended: ${suspended.slice(0, 30).join(', ')}${suspended.length > 30 ? ` and ${suspended.length - 30} more` : ''}. An approver or administrator can reinstate them from **people**.`,
              tone: 'warning',
            }),
            summary: `Access review: ${suspended.length} suspended at ${org}`,
          },
        },
      ]);
    }
  }
  return { organisationId: review.organisationId, round: review.round, suspended };
}

/** What a review "More" token stands for: one organisation's round. */
const ReviewQuery = z.object({ list: z.literal('review'), organisationId: z.string().max(60), round: z.string().max(10) });

function reviewMoreToken(ctx: AppContext, user: string, review: AccessReview, next: string | undefined): string | undefined {
  return next ? signPageToken(ctx.config.referenceHashKey, { user, query: { list: 'review', organisationId: review.organisationId, round: review.round }, continuation: next }, ctx.clock()) : undefined;
}

export type ReviewActionResult =
  | { kind: 'missing' }
  | { kind: 'refused' }
  | { kind: 'bad-token'; reason: string }
  | { kind: 'updated'; review: AccessReview; organisationName: string; note?: string; page: ReturnType<typeof reviewPage>; members: Member[]; more?: string };

const textIn = (d: Record<string, unknown>, key: string, max: number) => (typeof d[key] === 'string' ? (d[key] as string).slice(0, max) : '');

/** The open round of an organisation, for someone who may act on it (refusals audited). */
async function loadRound(ctx: AppContext, caller: Caller, organisationId: string, round: string, action: string) {
  const latest = organisationId ? (await latestReview(ctx, organisationId))?.value : undefined;
  if (!latest || latest.round !== round) return { kind: 'missing' as const };
  if (!mayManage(caller.member, { organisationId })) {
    await auditDirectory(ctx, { action: 'refusal', actor: caller.aadObjectId ? { aadObjectId: caller.aadObjectId, organisationId: caller.member?.organisationId } : 'system', subject: { type: 'directory', id: `review:${organisationId}:${round}` }, note: `review ${action} refused: not an approver of ${organisationId}` });
    return { kind: 'refused' as const };
  }
  const directory = await loadDirectory(ctx);
  return { kind: 'ok' as const, latest, organisationName: directory.organisations.find((o) => o.id === organisationId)?.name ?? organisationId };
}

/** A page of the round for the card: who is shown, their member details (one range read of the index), the next page's token. */
async function pageResult(ctx: AppContext, caller: Caller, review: AccessReview, organisationName: string, at: { from?: string; after?: string }, note?: string): Promise<ReviewActionResult> {
  const page = reviewPage(review, at);
  const members = page.shown.length ? await peopleBetween(ctx, review.organisationId, page.shown[0]!, page.shown.at(-1)!) : [];
  const more = reviewMoreToken(ctx, caller.aadObjectId!, review, page.next);
  return { kind: 'updated', review, organisationName, page, members, ...(note ? { note } : {}), ...(more ? { more } : {}) };
}

/** "More" on the review card: the next page of people still to confirm. */
export async function reviewMore(ctx: AppContext, caller: Caller, data: unknown): Promise<ReviewActionResult> {
  const d = (data ?? {}) as Record<string, unknown>;
  const check = verifyPageToken(ctx.config.referenceHashKey, d.more, caller.aadObjectId ?? '', ReviewQuery, ctx.clock());
  if (!check.ok) {
    if (check.reason !== 'page token expired') {
      ctx.log.warn('access review: a More token was refused', { reason: check.reason });
      return { kind: 'bad-token', reason: check.reason };
    }
    // Expired: the round as it is now, from the top.
    const loaded = await loadRound(ctx, caller, textIn(d, 'organisationId', 60), textIn(d, 'round', 10), 'page');
    return loaded.kind === 'ok' ? pageResult(ctx, caller, loaded.latest, loaded.organisationName, {}, 'That list was more than a day old, so here is its first page again.') : loaded;
  }
  const loaded = await loadRound(ctx, caller, check.query.organisationId, check.query.round, 'page');
  if (loaded.kind !== 'ok') return loaded;
  return pageResult(ctx, caller, loaded.latest, loaded.organisationName, { after: check.continuation });
}

/** Confirm or remove one member (or confirm all shown) from the review card. */
export async function reviewAction(ctx: AppContext, caller: Caller, data: unknown, action: 'confirm' | 'remove' | 'confirmAll'): Promise<ReviewActionResult> {
  const d = (data ?? {}) as Record<string, unknown>;
  const organisationId = textIn(d, 'organisationId', 60);
  const round = textIn(d, 'round', 10);
  const loaded = await loadRound(ctx, caller, organisationId, round, action);
  if (loaded.kind !== 'ok') return loaded;
  const { latest, organisationName } = loaded;
  const from = textIn(d, 'from', 64) || undefined;
  if (latest.closedAt) return pageResult(ctx, caller, latest, organisationName, { from }, 'This review has closed.');
  const pendingIds = new Set(latest.members.filter((m) => m.outcome === 'pending').map((m) => m.aadObjectId));
  // "Confirm all shown": the ids the card showed (older cards without them: the first page, as it showed).
  const shownIds = textIn(d, 'members', 2000).split(',').filter((id) => pendingIds.has(id));
  const targets = action === 'confirmAll' ? (shownIds.length ? shownIds : reviewPage(latest).shown.map((m) => m.aadObjectId)).slice(0, REVIEW_PAGE) : [textIn(d, 'member', 64)];
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
  const outcome = action === 'remove' ? ('removed' as const) : ('confirmed' as const);
  const updated = (await mutateReview(ctx, latest, (r) => ({ ...r, members: r.members.map((m) => (targets.includes(m.aadObjectId) && m.outcome === 'pending' ? { ...m, outcome } : m)) }))) ?? latest;
  return pageResult(ctx, caller, updated, organisationName, { from }, action === 'remove' ? 'Removed.' : 'Confirmed.');
}
