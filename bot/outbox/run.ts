import { randomUUID } from 'node:crypto';
import type { AppContext } from '../kernel/context';
import { ConcurrencyError } from '../store/errors';
import type { Stored } from '../store/entityTable';
import type { SenderLease } from './model';
import { decodePacerState, encodePacerState, Pacer, TEAMS_LIMITS, type PacerLimits, type PacerState } from './pacer';
import { createLease, mutateLease, readLease, writeLease } from './repository/sending';
import { drainOutbox, type DrainOptions, type DrainResult } from './sender';
import type { Transport } from './transport';

/**
 * A sender run, whoever triggered it (a wake message, the safety-net timer):
 * at most one instance sends at a time, so Teams' per-app limit is paced by
 * one pacer however many instances are awake.
 *
 * - Take the lease (OutboxLease, one row, ETag-guarded), or, if another
 *   instance holds it, bump its `wakes` and return: the holder runs another
 *   pass for whatever this wake was for.
 * - Holding it: drain everything due, renewing the lease as it goes; then
 *   release with the ETag read after the last pass. A wake that landed
 *   meanwhile changed the row, so the release fails and another pass runs:
 *   nothing enqueued before the release is left for the timer.
 * - A holder that died leaves a lease that runs out after `leaseMs`; the next
 *   run takes it over. Items are still claimed one by one with ETags
 *   (sender.ts), so even two holders at once would send each item once.
 */
export interface SenderRunOptions {
  /** Stop taking new items after this long (the function's time limit, less a margin). */
  budgetMs?: number;
  leaseMs?: number;
  /** Identifies this run in the lease row (tests name two "instances"). */
  holder?: string;
  limits?: PacerLimits;
  drain?: Omit<DrainOptions, 'pacer' | 'budgetMs' | 'shouldStop'>;
}

export interface SenderRunResult extends DrainResult {
  /** false: another instance held the lease and was asked to run again. */
  ran: boolean;
  passes: number;
}

export async function runSender(ctx: AppContext, transport: Transport, options: SenderRunOptions = {}): Promise<SenderRunResult> {
  const leaseMs = options.leaseMs ?? 30_000;
  const budgetMs = options.budgetMs ?? 4 * 60_000;
  const holder = options.holder ?? randomUUID();
  const started = Date.now();
  const total: SenderRunResult = { ran: false, passes: 0, sent: 0, retried: 0, dead: 0, gone: 0, skipped: 0 };

  let lease = await acquire(ctx, holder, leaseMs);
  if (!lease) return total;
  total.ran = true;
  // The pace carries on from the last holder's sends, which Teams still counts (see PacerState).
  const pacer = new Pacer(options.limits ?? TEAMS_LIMITS, Date.now, pacerStateOf(lease.value));

  let lost = false;
  let renewing: Promise<void> = Promise.resolve();
  const renewal = setInterval(() => {
    renewing = renewing.then(async () => {
      if (lost || !lease) return;
      const renewed = await renew(ctx, holder, leaseMs, pacer).catch(() => undefined);
      if (renewed === 'lost') lost = true;
    });
  }, Math.max(50, leaseMs / 3));

  try {
    for (;;) {
      const seenWakes = lease.value.wakes;
      const remaining = budgetMs - (Date.now() - started);
      if (remaining <= 0 || lost) break;
      const pass = await drainOutbox(ctx, transport, { ...options.drain, pacer, budgetMs: remaining, shouldStop: () => lost });
      total.passes++;
      for (const k of ['sent', 'retried', 'dead', 'gone', 'skipped'] as const) total[k] += pass[k];
      await renewing;
      if (lost) break;
      const now = await readLease(ctx);
      if (!now || now.value.holder !== holder) break; // taken over after our lease ran out
      lease = now;
      if (now.value.wakes !== seenWakes) continue; // woken during the pass: go again
      try {
        await writeLease(ctx, { ...now.value, holder: '', until: ctx.clock().toISOString(), ...handOver(pacer) }, now.etag);
        return total;
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
        lease = (await readLease(ctx)) ?? lease; // woken between our read and release: go again
      }
    }
    // Out of budget (or the lease was lost): let go so the next wake or timer run carries on at once.
    if (!lost) await release(ctx, holder, pacer);
    return total;
  } finally {
    clearInterval(renewal);
    await renewing;
  }
}

/** The lease, or undefined after asking its current holder to run again. */
async function acquire(ctx: AppContext, holder: string, leaseMs: number): Promise<Stored<SenderLease> | undefined> {
  for (let attempt = 1; attempt <= 20; attempt++) {
    const current = await readLease(ctx);
    const now = ctx.clock();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    try {
      if (!current) return await createLease(ctx, { name: 'outbox', holder, until, wakes: 0, nextSlotAt: 0 });
      const l = current.value;
      if (l.holder === '' || Date.parse(l.until) <= now.getTime()) {
        return await writeLease(ctx, { ...l, holder, until }, current.etag);
      }
      await writeLease(ctx, { ...l, wakes: l.wakes + 1 }, current.etag);
      return undefined;
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
  // Twenty lost races in a row: others are busy with the row, and the holder among them will run again.
  return undefined;
}

/** The pace a holder leaves in the lease row for the next one. */
function handOver(pacer: Pacer): Pick<SenderLease, 'nextSlotAt' | 'pacing'> {
  const state = pacer.snapshot();
  return { nextSlotAt: state.nextSlotAt, pacing: encodePacerState(state) };
}

function pacerStateOf(lease: SenderLease): PacerState {
  return (lease.pacing && decodePacerState(lease.pacing, lease.nextSlotAt)) || { at: 0, nextSlotAt: lease.nextSlotAt, sentAgo: [], conversations: [] };
}

async function renew(ctx: AppContext, holder: string, leaseMs: number, pacer: Pacer): Promise<'renewed' | 'lost'> {
  for (;;) {
    const current = await readLease(ctx);
    if (!current || current.value.holder !== holder) return 'lost';
    try {
      // Keeps `wakes` as it is: the pass loop compares it to decide whether to go again. The pace is saved too,
      // so whoever takes over after this holder dies continues it.
      await writeLease(ctx, { ...current.value, until: new Date(ctx.clock().getTime() + leaseMs).toISOString(), ...handOver(pacer) }, current.etag);
      return 'renewed';
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
    }
  }
}

async function release(ctx: AppContext, holder: string, pacer: Pacer): Promise<void> {
  await mutateLease(ctx, (l) =>
    l && l.holder === holder ? { ...l, holder: '', until: ctx.clock().toISOString(), ...handOver(pacer) } : undefined,
  );
  // Whatever is still due gets a fresh run rather than waiting for the timer.
  await ctx.wake?.wake(0);
}
