import type { AppContext } from '../kernel/context';
import type { Stored } from '../store/entityTable';
import { ConcurrencyError, StoreUnavailableError } from '../store/errors';
import type { OutboxHooks } from './hooks';
import type { OutboxDue, OutboxItem } from './model';
import { claimItem, dropDue, dueBy, readItem, recordFinished, recordRescheduled } from './repository/sending';
import { Pacer, TEAMS_LIMITS, type PacedSend } from './pacer';
import { classifyFailure, retryDelayMs, TransportError, type Dispatch, type Transport } from './transport';

export interface DrainOptions {
  /** Stop taking new items after this long; the next run carries on. */
  budgetMs?: number;
  maxItems?: number;
  /** Items in hand at once (claimed, waiting for a send slot, being sent or recorded), once the pass has ramped up. */
  concurrency?: number;
  /**
   * Items the pass starts with; each claim then lets one more worker start, doubling the number in hand with
   * every round of claims until it reaches `concurrency`. See the ramp in drainOutbox.
   */
  firstClaims?: number;
  maxAttempts?: number;
  leaseMs?: number;
  /** A send that has not answered by then counts as failed and is retried. Less than leaseMs. */
  sendTimeoutMs?: number;
  pacer?: Pacer;
  random?: () => number;
  /** Checked before each item: true stops taking new ones (the sender lease was lost). */
  shouldStop?: () => boolean;
}

export interface DrainResult {
  sent: number;
  retried: number;
  dead: number;
  gone: number;
  skipped: number;
}

/**
 * The one sender: takes due items from the outbox, claims each with an
 * ETag lease (so two runs never send the same item), sends it at the pace
 * Teams allows, then records the outcome. Failures are rescheduled with
 * backoff; after maxAttempts an item is dead-lettered and admins are told.
 */
export async function drainOutbox(ctx: AppContext, transport: Transport, options: DrainOptions = {}): Promise<DrainResult> {
  const opts = {
    budgetMs: 50_000,
    maxItems: 5000,
    // Enough sends in flight that storage round trips never hold the pace below Teams' 50/s.
    concurrency: 64,
    firstClaims: 4,
    maxAttempts: 8,
    leaseMs: 60_000,
    sendTimeoutMs: 20_000,
    random: Math.random,
    shouldStop: () => false,
    ...options,
  };
  const pacer = options.pacer ?? new Pacer(TEAMS_LIMITS);
  const started = Date.now();
  const result: DrainResult = { sent: 0, retried: 0, dead: 0, gone: 0, skipped: 0 };

  const listDue = () => dueBy(ctx, ctx.clock());
  const taken = new Set<string>();
  const keyOf = (d: OutboxDue) => `${d.batchId}|${d.itemId}|${d.dueAt}`;
  const queue = (await listDue()).slice(0, opts.maxItems);
  for (const d of queue) taken.add(keyOf(d));

  /**
   * When the list runs dry, look once more: retries scheduled during this pass (a 429's Retry-After, a 5xx's
   * backoff) that have come due are sent now, paced by the same pacer, instead of by the next pass after a
   * lease hand-over (that hand-over was most of the fan-out's 13% over its floor). One look at a time, shared
   * by every idle worker; it stops as soon as a look finds nothing new.
   */
  let topUp: Promise<boolean> | undefined;
  let dry = false;
  const refill = () =>
    (topUp ??= (async () => {
      if (dry || taken.size >= opts.maxItems) return false;
      const fresh = (await listDue()).filter((d) => !taken.has(keyOf(d))).slice(0, opts.maxItems - taken.size);
      for (const d of fresh) {
        taken.add(keyOf(d));
        queue.push(d);
      }
      dry = fresh.length === 0;
      return fresh.length > 0;
    })().finally(() => {
      topUp = undefined;
    }));
  const nextItem = async () => {
    for (;;) {
      const next = queue.shift();
      if (next) return next;
      if (storageDown || dry || !(await refill().catch(() => false))) return queue.shift();
    }
  };

  /**
   * The ramp. Every worker claims its item (a read and an ETag-guarded write) before it waits for a send slot.
   * Started all at once, `concurrency` claims queue at storage together and the first post waits behind all of
   * them: on a loaded machine that was 1.6 s of a 6 s fan-out. So the pass starts `firstClaims` workers, and
   * each claim (or item passed over) starts one more: the first post leaves after one claim's round trips, the
   * claims in hand double with each round, and the pass reaches full concurrency well before the pace, one send
   * every 20 ms, has used up what is claimed.
   */
  const workers: Promise<void>[] = [];
  const startWorker = () => {
    if (workers.length >= opts.concurrency) return;
    const running = worker();
    // A worker started after another failed is awaited by no one: its failure is the pass's failure already reported.
    running.catch(() => {});
    workers.push(running);
  };

  // Storage down: every worker stops taking items, those that have sent finish recording it, then the run fails.
  let storageDown: StoreUnavailableError | undefined;
  const worker = async () => {
    for (let next = await nextItem(); next && !storageDown; next = await nextItem()) {
      if (Date.now() - started > opts.budgetMs || opts.shouldStop()) return;
      let claimed = false;
      const onClaimed = () => {
        if (!claimed) startWorker();
        claimed = true;
      };
      try {
        const outcome = await processOne(ctx, transport, pacer, next, opts, onClaimed);
        result[outcome]++;
      } catch (err) {
        if (!(err instanceof StoreUnavailableError)) throw err;
        storageDown ??= err;
      } finally {
        onClaimed(); // passed over, or failed before its claim: the ramp goes on all the same
      }
    }
  };
  for (let i = 0; i < Math.max(1, opts.firstClaims); i++) startWorker();
  // Workers start while the first ones run: wait until every one started has finished.
  for (let waited = 0; waited < workers.length; ) {
    const upTo = workers.length;
    await Promise.all(workers.slice(waited, upTo));
    waited = upTo;
  }
  if (storageDown) {
    ctx.log.error('outbox run stopped: storage unavailable', { ...result, error: storageDown.message });
    throw storageDown;
  }
  if (result.sent + result.retried + result.dead + result.gone > 0) ctx.log.info('outbox drained', { ...result });
  return result;
}

type Outcome = keyof DrainResult;

async function processOne(
  ctx: AppContext,
  transport: Transport,
  pacer: Pacer,
  due: OutboxDue,
  opts: Required<Omit<DrainOptions, 'pacer'>>,
  /** Called once the item is claimed, before it waits for its send slot. */
  onClaimed: () => void,
): Promise<Outcome> {
  const stored = await readItem(ctx, { batchId: due.batchId, id: due.itemId });
  const now = ctx.clock();
  if (!stored) {
    // enqueue() writes the index row first; give a slow enqueue a minute to write the item.
    if (now.getTime() - Date.parse(due.dueAt) > 60_000) await dropDue(ctx, due);
    return 'skipped';
  }
  const item = stored.value;
  if (item.status !== 'pending' || item.nextAttemptAt !== due.dueAt) {
    // Done already, or rescheduled (the newer index row exists): this row is stale.
    await dropDue(ctx, due);
    return 'skipped';
  }
  if (item.leaseUntil && Date.parse(item.leaseUntil) > now.getTime()) return 'skipped';
  const payload = item.payload;
  if (!payload) return 'skipped'; // never for a pending item (the schema requires it); narrows the type

  const claimedAt = Date.now();
  const claim = await claimItem(ctx, stored, new Date(now.getTime() + opts.leaseMs).toISOString());
  if (!claim) return 'skipped'; // another run has it
  onClaimed();

  let activityId: string;
  try {
    if (item.operation === 'update') {
      const original = item.updateOf && (await readItem(ctx, item.updateOf))?.value;
      if (!original || original.status === 'dead' || original.status === 'gone' || original.status === 'cancelled') {
        await finish(ctx, claim, due, { status: 'cancelled', lastError: 'the message to update was never delivered' });
        return 'skipped';
      }
      if (original.status !== 'sent' || !original.activityId) {
        // Wait for the original post; not a failure of this item.
        await reschedule(ctx, claim, claim.value, due, 5000, false);
        return 'skipped';
      }
      await dispatchPaced(ctx, pacer, item.target.conversationId, opts.sendTimeoutMs, (d) => transport.update(item.target, original.activityId!, payload, d));
      activityId = original.activityId;
    } else {
      activityId = (await dispatchPaced(ctx, pacer, item.target.conversationId, opts.sendTimeoutMs, (d) => transport.post(item.target, payload, d))).activityId;
    }
  } catch (err) {
    const status = err instanceof TransportError ? err.status : undefined;
    const retryAfterMs = err instanceof TransportError ? err.retryAfterMs : undefined;
    const message = `${status ?? 'network'}: ${(err as Error).message}`.slice(0, 500);
    const kind = classifyFailure(status);
    if (kind === 'gone' && item.operation === 'update') {
      // The card to update is gone (deleted, or too old): that message's failure, and no evidence about the
      // conversation, which later posts still reach.
      await finish(ctx, claim, due, { status: 'dead', lastError: `the earlier card could not be updated: ${message}`.slice(0, 500) });
      ctx.log.warn('card update refused; the conversation is kept', { item: item.id, batch: item.batchId, error: message });
      return 'dead';
    }
    if (kind === 'gone') {
      // A post to the conversation itself was refused. One refusal can be a glitch in Teams; only repeated
      // refusals, minutes apart, are taken as the bot having been removed.
      const strikes = (item.goneStrikes ?? 0) + 1;
      if (strikes < GONE_STRIKES) {
        await reschedule(ctx, claim, { ...claim.value, lastError: message, goneStrikes: strikes }, due, GONE_RETRY_MS, true);
        return 'retried';
      }
      await finish(ctx, claim, due, { status: 'gone', lastError: message, goneStrikes: strikes });
      ctx.log.warn('bot no longer in conversation; stopped posting there', { conversation: item.target.conversationId, error: message });
      await react(ctx, 'onConversationGone', { itemId: item.id, target: item.target, strikes, error: message });
      return 'gone';
    }
    const attempts = item.attempts + 1;
    if (kind === 'fatal' || attempts >= opts.maxAttempts) {
      await finish(ctx, claim, due, { status: 'dead', lastError: message, attempts });
      ctx.log.error('outbox item dead-lettered', { item: item.id, batch: item.batchId, error: message });
      if (item.notifyOnDeadLetter) await react(ctx, 'onDeadLetter', { itemId: item.id, batchId: item.batchId, target: item.target, error: message });
      return 'dead';
    }
    if (retryAfterMs !== undefined) pacer.pause(item.target.conversationId, retryAfterMs);
    await reschedule(ctx, claim, { ...claim.value, lastError: message }, due, retryDelayMs(attempts, retryAfterMs, opts.random), true);
    return 'retried';
  }

  // The message is out: unless that is recorded, it goes out again when the lease ends. So a storage
  // outage is waited out here for as long as the lease holds (no other run can take the item meanwhile).
  const recordBy = claimedAt + opts.leaseMs - 5000;
  for (let attempt = 0, delay = 250; ; attempt++, delay = Math.min(delay * 2, 5000)) {
    try {
      await finish(ctx, claim, due, { status: 'sent', sentAt: ctx.clock().toISOString(), activityId });
      return 'sent';
    } catch (err) {
      // The earlier attempt's write landed though its answer was lost; a stale index row is cleaned up later.
      if (attempt > 0 && err instanceof ConcurrencyError) return 'sent';
      if (!(err instanceof StoreUnavailableError) || Date.now() + delay > recordBy) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function finish(ctx: AppContext, claim: Stored<OutboxItem>, due: OutboxDue, change: Partial<OutboxItem>): Promise<void> {
  await recordFinished(ctx, claim, due, change, ctx.clock().toISOString());
}

/** Makes the item due again after `delayMs` (changed as given, e.g. with its last error) and wakes a sender then. */
async function reschedule(
  ctx: AppContext,
  claim: Stored<OutboxItem>,
  item: OutboxItem,
  due: OutboxDue,
  delayMs: number,
  countsAsAttempt: boolean,
): Promise<void> {
  const nextAttemptAt = new Date(ctx.clock().getTime() + delayMs).toISOString();
  await recordRescheduled(ctx, claim, due, { ...item, attempts: item.attempts + (countsAsAttempt ? 1 : 0) }, nextAttemptAt);
  // Wake a sender when it is due, rather than leaving it to the next timer run.
  await ctx.wake?.wake(delayMs);
}

/** Posts refused as "not in this conversation" this many times, GONE_RETRY_MS apart, before the conversation is forgotten. */
export const GONE_STRIKES = 3;
const GONE_RETRY_MS = 5 * 60_000;

/**
 * The slice's reaction to an outcome, through the hooks the composition root wired (bot/outbox/hooks.ts). The
 * outcome is recorded before it is called; a reaction that fails fails the item's processing like a storage
 * error would, and is not called again for that item (it is no longer due).
 */
async function react<K extends keyof OutboxHooks<AppContext>>(ctx: AppContext, hook: K, event: Parameters<OutboxHooks<AppContext>[K]>[1]): Promise<void> {
  const hooks = ctx.outboxHooks;
  if (!hooks) {
    ctx.log.warn('no outbox hooks wired: nobody reacted to a delivery outcome', { hook, item: event.itemId });
    return;
  }
  await (hooks[hook] as (ctx: AppContext, e: typeof event) => Promise<void>)(ctx, event);
}

/**
 * One request through the transport, paced at the moment of dispatch (the transport awaits `ready()` just
 * before the request goes on the wire). Gives up after `ms` of the transport's own work, before and after that
 * point, aborting the request itself rather than leaving it to land later; waiting for a slot does not count.
 */
async function dispatchPaced<T>(ctx: AppContext, pacer: Pacer, conversationId: string, ms: number, work: (dispatch: Dispatch) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let giveUp!: (err: Error) => void;
  const timeout = new Promise<never>((_, reject) => (giveUp = reject));
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      controller.abort();
      giveUp(new TransportError(undefined, `no answer within ${ms} ms`));
    }, ms);
  };
  let paced: Promise<void> | undefined;
  let sent: PacedSend | undefined;
  const dispatch: Dispatch = {
    signal: controller.signal,
    ready: () =>
      (paced ??= (async () => {
        if (controller.signal.aborted) throw new TransportError(undefined, `no answer within ${ms} ms`);
        clearTimeout(timer);
        sent = await pacer.take(conversationId);
        arm();
      })()),
  };
  arm();
  try {
    const result = await Promise.race([work(dispatch), timeout]);
    // A transport that never asked for its slot sent unpaced: a defect in that transport, reported loudly.
    if (!paced) ctx.log.error('a transport sent without waiting for the pacer; Teams limits were not applied', { conversation: conversationId });
    return result;
  } finally {
    clearTimeout(timer);
    // Answered, failed or given up: the pacer now knows the latest the request can have reached Teams.
    sent?.done();
  }
}
