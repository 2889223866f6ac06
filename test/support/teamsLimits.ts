/**
 * What test/pacing.test.ts and the fan-out benchmark (scripts/bench/fanout.ts) both need around the local Bot
 * Connector: sender instances run side by side on one store, and every Teams limit checked against what arrived.
 * The limits are the published ones as the connector spells them (TEAMS_CONNECTOR_LIMITS), not the pacer's own
 * constants, so a pacer that forgets one is caught.
 */
import type { AppContext } from '../../bot/kernel/context';
import { runSender, type SenderRunOptions } from '../../bot/outbox/run';
import type { Transport } from '../../bot/outbox/transport';
import { TEAMS_CONNECTOR_LIMITS, type ConnectorLimits } from './fakeConnector';

/** A send as the connector saw it arrive. */
export interface Arrival {
  conversationId: string;
  at: number;
}

/** The most of these times that fall in any window of `ms` (as Teams counts: the window ending at each send). */
export function busiestWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let end = 0, start = 0; end < sorted.length; end++) {
    while (sorted[start]! <= sorted[end]! - ms) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** Every limit Teams would have enforced on these arrivals, each with the busiest window seen; empty when none was exceeded. */
export function overLimits(arrivals: Arrival[], limits: ConnectorLimits = TEAMS_CONNECTOR_LIMITS): string[] {
  const over: string[] = [];
  const all = busiestWindow(arrivals.map((a) => a.at), 1000);
  if (all > limits.perSecond) over.push(`${all} sends in one second (limit ${limits.perSecond})`);
  const byConversation = new Map<string, number[]>();
  for (const a of arrivals) byConversation.set(a.conversationId, [...(byConversation.get(a.conversationId) ?? []), a.at]);
  for (const [id, times] of byConversation) {
    for (const w of limits.perConversation) {
      const n = busiestWindow(times, w.windowMs);
      if (n > w.max) over.push(`${id}: ${n} sends in ${w.windowMs} ms (limit ${w.max})`);
    }
  }
  return over;
}

export interface SenderInstance {
  /** Names the instance in the lease row. */
  holder: string;
  ctx: AppContext;
  transport: Transport;
  options?: Omit<SenderRunOptions, 'holder'>;
}

/**
 * Sender instances side by side on one store, each woken again and again (as queue messages wake them in Azure)
 * until `finished` says so or `limitMs` has passed; whichever holds the lease sends, the others ask it to run
 * again. `finished` is asked after each run with whether that run held the lease (only such a run can have sent
 * anything). Returns how many items each instance sent, by holder.
 */
export async function sendersSideBySide(
  instances: SenderInstance[],
  finished: (ran: boolean, instance: SenderInstance) => boolean | Promise<boolean>,
  { pauseMs = 50, limitMs = 120_000 }: { pauseMs?: number; limitMs?: number } = {},
): Promise<Record<string, number>> {
  const started = Date.now();
  const sent: Record<string, number> = Object.fromEntries(instances.map((i) => [i.holder, 0]));
  let done = false;
  await Promise.all(
    instances.map(async (instance) => {
      while (!done) {
        const run = await runSender(instance.ctx, instance.transport, { ...instance.options, holder: instance.holder });
        sent[instance.holder]! += run.sent;
        if ((await finished(run.ran, instance)) || Date.now() - started > limitMs) done = true;
        else await new Promise((r) => setTimeout(r, pauseMs));
      }
    }),
  );
  return sent;
}
