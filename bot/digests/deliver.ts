import type { AppContext } from '../kernel/context';
import { dueDigest } from './rules/digestSchedule';
import type { DigestDelivery, DigestSubscription } from './model';
import { allSubscriptions, claimDelivery, markWeekDone, type DeliveryClaim } from './repository';
import type { DigestRun } from './send';

export { digestBatchId, digestItemId } from './items';

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
  // What the run's deliveries share (each source read once per run), built by the first digest that is due.
  const run: DigestRun = {};
  const queue = [...subs];
  const worker = async () => {
    for (let sub = queue.shift(); sub; sub = queue.shift()) {
      try {
        result[await deliverOne(ctx, run, sub, now)]++;
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

async function deliverOne(ctx: AppContext, run: DigestRun, sub: DigestSubscription, now: Date): Promise<Outcome> {
  const due = dueDigest(now, sub, new Date(sub.createdAt));
  if (!due) return 'notDue';
  // The cheap check that lets the timer run every few minutes: a week already done costs no storage call.
  if (sub.lastWeek === due.week) return 'alreadyDone';
  const claim = await claimWeek(ctx, sub.owner, due.week, now);
  if (claim.state === 'alreadyDone') await markWeekDone(ctx, sub.owner, due.week);
  if (claim.state !== 'claimed') return claim.state;
  // Sending (the week's figures from incidents, alerts, operations and priorities; the channel or chat; the outbox)
  // is loaded when a digest is due, not in every run: the timer runs every 5 minutes and most runs find none due.
  const { sendClaimed } = await import('./send');
  return sendClaimed(ctx, run, sub, due, claim, now);
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
