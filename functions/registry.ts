import type { HttpRequest, HttpResponse, InvocationContext, Timer } from '@azure/functions';
import type { Runtime } from '../bot/runtime';
// Constants only: both modules are small (zod, node:crypto), unlike the handlers, which load lazily.
import { MAX_ACTIVITY_BYTES } from './messages';
import { MAX_BODY_BYTES } from '../bot/partners/signedRequest';

export type HttpHandler = (request: HttpRequest, context: InvocationContext, runtime: Runtime) => Promise<HttpResponse>;
export type TimerHandler = (timer: Timer, context: InvocationContext, runtime: Runtime) => Promise<void>;
export type QueueHandler = (message: unknown, context: InvocationContext, runtime: Runtime) => Promise<void>;

/** A handler that imports its module on first use; `load` imports it without invoking it. */
export type Lazy<H> = H & { load(): Promise<H> };

/**
 * A handler whose module (and everything that module imports) is loaded on
 * the function's first invocation, not when the app starts: the host loads
 * the entry for every instance, and an instance woken for a timer must not
 * pay for the Teams SDK, Graph or the card templating it never uses. esbuild
 * makes each `import()` a chunk of its own (scripts/build-bundle.ts).
 */
export function lazy<H extends (...args: never[]) => Promise<unknown>>(load: () => Promise<H>): Lazy<H> {
  let loaded: Promise<H> | undefined;
  const get = () =>
    (loaded ??= load().catch((err: unknown) => {
      loaded = undefined; // a failed import is retried on the next invocation
      throw err;
    }));
  const handler = (async (...args: Parameters<H>) => (await get())(...args)) as unknown as Lazy<H>;
  handler.load = get;
  return handler;
}

/**
 * Every function, in one list. The Functions host (functions/index.ts) and
 * the local dev host both register from here, so they cannot drift apart.
 */
export const HTTP_FUNCTIONS: { name: string; route: string; methods: ('GET' | 'POST')[]; maxBodyBytes: number; handler: Lazy<HttpHandler>; /** What a first invocation loads and builds besides the handler's code: `load` imports the modules, `build` builds with them. */ prepare?: { load(): Promise<unknown>; build(runtime: Runtime): Promise<unknown> } }[] = [
  { name: 'messages', route: 'messages', methods: ['POST'], maxBodyBytes: MAX_ACTIVITY_BYTES, handler: lazy<HttpHandler>(async () => (await import('./messages')).messages), prepare: { load: () => import('../bot/teams/endpoint'), build: (runtime) => runtime.teams() } },
  { name: 'health', route: 'health', methods: ['GET'], maxBodyBytes: 0, handler: lazy<HttpHandler>(async () => (await import('./health')).health) },
  { name: 'alerts', route: 'alerts', methods: ['POST'], maxBodyBytes: MAX_BODY_BYTES, handler: lazy<HttpHandler>(async () => (await import('./alerts')).alerts) },
  { name: 'priorities', route: 'priorities', methods: ['POST'], maxBodyBytes: MAX_BODY_BYTES, handler: lazy<HttpHandler>(async () => (await import('./priorities')).priorities) },
];

/** Timers use NCRONTAB (six fields, seconds first), as the Functions host does. */
export const TIMER_FUNCTIONS: { name: string; schedule: string; handler: Lazy<TimerHandler> }[] = [
  // Daily at 02:30 UTC: anonymise incidents past the retention period (quiet hours; runs are idempotent).
  { name: 'retention', schedule: '0 30 2 * * *', handler: lazy<TimerHandler>(async () => (await import('./retention')).retention) },
  // Every 2 minutes, a safety net only: enqueueing wakes the sender at once (QUEUE_FUNCTIONS); this sends what a
  // lost wake left behind. The sender lease (bot/outbox/run.ts) keeps one instance sending at a time.
  { name: 'outbox', schedule: '0 */2 * * * *', handler: lazy<TimerHandler>(async () => (await import('./outbox')).outbox) },
  { name: 'escalations', schedule: '0 * * * * *', handler: lazy<TimerHandler>(async () => (await import('./escalations')).escalations) },
  // Every minute: due joint-operation reminders into the outbox (ETag claims make overlapping runs safe).
  { name: 'reminders', schedule: '0 * * * * *', handler: lazy<TimerHandler>(async () => (await import('./reminders')).reminders) },
  // Every 5 minutes, so a digest arrives within 5 minutes of its chosen time (it was hourly: a 21:30 digest came at 22:00).
  // Idle runs cost one partition read: a subscription whose due week is done is passed over (its lastWeek).
  { name: 'digests', schedule: '0 */5 * * * *', handler: lazy<TimerHandler>(async () => (await import('./digests')).digests) },
  // Every 15 minutes: hotspot early warnings (create-once rows: one warning per place and window however often it runs).
  { name: 'warnings', schedule: '0 */15 * * * *', handler: lazy<TimerHandler>(async () => (await import('./warnings')).warnings) },
  // Daily at 06:00 UTC: access-review rounds that are due open, and past a round's deadline the unconfirmed are suspended.
  { name: 'accessReview', schedule: '0 0 6 * * *', handler: lazy<TimerHandler>(async () => (await import('./accessReview')).accessReview) },
];

/**
 * Storage-queue triggers, on the app's own storage account (`AzureWebJobsStorage`). `queue` is the name
 * before the table prefix is applied: see `wakeQueueName`.
 */
export const QUEUE_FUNCTIONS: { name: string; queue: 'outbox'; handler: Lazy<QueueHandler> }[] = [
  // An enqueue wakes the sender: a private card or an alert goes out in well under a second, not at the next timer.
  { name: 'outboxWake', queue: 'outbox', handler: lazy<QueueHandler>(async () => (await import('./outbox')).outboxWake) },
];
