import type { AppContext } from '../kernel/context';
import { dueDigest, type DueDigest } from './rules/digestSchedule';
import { channelConversation, personalConversationOf } from '../conversation/repository';
import { enqueue } from '../outbox/enqueue';
import { targetOf, type Target } from '../outbox/model';
import { mappingOf } from '../channels/repository';
import type { DigestDelivery, DigestSubscription } from './model';
import { allSubscriptions, changeSubscription, claimDelivery, finishDelivery, type DeliveryClaim } from './repository';
import { DigestSources } from './sources';

/** How long a claim holds before another run may take the week over (a run that crashed half way). */
export const CLAIM_LEASE_MS = 10 * 60_000;

export interface DigestRunResult {
  sent: number;
  notDue: number;
  alreadyDone: number;
  busy: number;
  skipped: number;
  failed: number;
}

/** The outbox item of one subscription's digest of one theme for one week: the same id however often it is enqueued. */
export function digestItemId(owner: string, week: string, themeId: string): string {
  return `digest:${owner}:${week}:${themeId}`;
}
export const digestBatchId = (week: string) => `digest-${week}`;

/**
 * The timer (every 5 minutes, so a digest arrives within minutes of its time): every subscription whose slot has passed gets its digest
 * for the week reported, once. The week is claimed first by creating its
 * DigestDeliveries row (create-once: a concurrent run gets a conflict and
 * stops); the cards go into the outbox under deterministic ids, so a run
 * that crashed after enqueueing and is retried once the lease runs out
 * stores nothing twice; then the claim is marked sent.
 */
export async function runDigests(ctx: AppContext, opts: { concurrency?: number } = {}): Promise<DigestRunResult> {
  const now = ctx.clock();
  const result: DigestRunResult = { sent: 0, notDue: 0, alreadyDone: 0, busy: 0, skipped: 0, failed: 0 };
  const subs = await allSubscriptions(ctx);
  const sources = new DigestSources(ctx);
  const queue = [...subs];
  const worker = async () => {
    for (let sub = queue.shift(); sub; sub = queue.shift()) {
      try {
        result[await deliverOne(ctx, sources, sub, now)]++;
      } catch (err) {
        // One subscription's failure must not stop the others; its claim's lease runs out and a later run retries.
        result.failed++;
        ctx.log.error('digest failed', { owner: sub.owner, error: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  if (result.sent + result.skipped + result.failed > 0) ctx.log.info('digests run', { ...result });
  return result;
}

type Outcome = Exclude<keyof DigestRunResult, 'failed'>;

async function deliverOne(ctx: AppContext, sources: DigestSources, sub: DigestSubscription, now: Date): Promise<Outcome> {
  const due = dueDigest(now, sub, new Date(sub.createdAt));
  if (!due) return 'notDue';
  // The cheap check that lets the timer run every few minutes: a week already done costs no storage call.
  if (sub.lastWeek === due.week) return 'alreadyDone';
  const claim = await claimWeek(ctx, sub.owner, due.week, now);
  if (claim.state === 'alreadyDone') await markLastWeek(ctx, sub.owner, due.week);
  if (claim.state !== 'claimed') return claim.state;

  const target = await targetFor(ctx, sub);
  if (!target) {
    await finishDelivery(ctx, claim.row, claim.etag, { status: 'skipped', reason: sub.destination.kind === 'personal' ? 'no personal chat with the bot' : 'the channel is no longer mapped' });
    await markLastWeek(ctx, sub.owner, due.week);
    ctx.log.warn('digest not delivered: nowhere to post', { owner: sub.owner, week: due.week, destination: sub.destination.kind });
    return 'skipped';
  }
  const itemIds = await enqueueDigest(ctx, sources, sub, due, target);
  await finishDelivery(ctx, claim.row, claim.etag, { status: 'sent', itemIds, sentAt: now.toISOString() });
  await markLastWeek(ctx, sub.owner, due.week);
  return 'sent';
}

/** Remembers on the subscription the week last done (the DigestDeliveries row stays the idempotency key). */
async function markLastWeek(ctx: AppContext, owner: string, week: string): Promise<void> {
  await changeSubscription(ctx, owner, (current) =>
    current && current.lastWeek !== week ? { ...current, lastWeek: week } : undefined,
  );
}

async function enqueueDigest(ctx: AppContext, sources: DigestSources, sub: DigestSubscription, due: DueDigest, target: Target): Promise<string[]> {
  const messages = [];
  // Card modules load when there is something to post: an idle timer run never loads the card templating (cold start).
  const { buildThemeDigest } = await import('./build');
  for (const themeId of sub.themes) {
    const built = await buildThemeDigest(ctx, sources, { themeId, boroughs: sub.boroughs, weekMonday: due.weekMonday, upTo: due.upTo, preview: false, timeZone: sub.timeZone });
    if (!built) continue; // a theme removed from the configuration since
    messages.push({
      id: digestItemId(sub.owner, due.week, themeId),
      target,
      payload: { card: built.card, summary: `Weekly digest: ${built.figures.theme.name}, ${built.figures.total.thisWeek} incidents` },
    });
  }
  await enqueue(ctx, digestBatchId(due.week), messages);
  return messages.map((m) => m.id);
}

/** Claims (subscription, week) for this run: a fresh claim with a lease (bot/digests/repository.ts claimDelivery). */
async function claimWeek(ctx: AppContext, owner: string, week: string, now: Date): Promise<DeliveryClaim> {
  const fresh: DigestDelivery = {
    owner,
    week,
    status: 'claimed',
    claimedAt: now.toISOString(),
    leaseUntil: new Date(now.getTime() + CLAIM_LEASE_MS).toISOString(),
    attempts: 1,
    itemIds: [],
  };
  return claimDelivery(ctx, fresh, now);
}


async function targetFor(ctx: AppContext, sub: DigestSubscription): Promise<Target | undefined> {
  if (sub.destination.kind === 'personal') {
    const chat = await personalConversationOf(ctx, sub.owner);
    return chat && targetOf(chat);
  }
  const conversationId = sub.destination.conversationId;
  const [mapping, channel] = await Promise.all([
    mappingOf(ctx, conversationId),
    channelConversation(ctx, conversationId),
  ]);
  return mapping && channel ? targetOf(channel) : undefined;
}
