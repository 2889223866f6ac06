import type { HttpRequest, HttpResponse, InvocationContext, Timer } from '@azure/functions';
import type { Runtime } from '../bot/runtime';
import { health } from './health';
import { MAX_ACTIVITY_BYTES, messages } from './messages';
import { MAX_BODY_BYTES } from '../bot/partners/signedRequest';
import { retention } from './retention';
import { outbox, outboxWake } from './outbox';
import { reminders } from './reminders';
import { alerts } from './alerts';
import { priorities } from './priorities';
import { escalations } from './escalations';
import { digests } from './digests';
import { warnings } from './warnings';
import { accessReview } from './accessReview';

export type HttpHandler = (request: HttpRequest, context: InvocationContext, runtime: Runtime) => Promise<HttpResponse>;
export type TimerHandler = (timer: Timer, context: InvocationContext, runtime: Runtime) => Promise<void>;
export type QueueHandler = (message: unknown, context: InvocationContext, runtime: Runtime) => Promise<void>;

/**
 * Every function, in one list. The Functions host (functions/index.ts) and
 * the local dev host both register from here, so they cannot drift apart.
 */
export const HTTP_FUNCTIONS: { name: string; route: string; methods: ('GET' | 'POST')[]; maxBodyBytes: number; handler: HttpHandler }[] = [
  { name: 'messages', route: 'messages', methods: ['POST'], maxBodyBytes: MAX_ACTIVITY_BYTES, handler: messages },
  { name: 'health', route: 'health', methods: ['GET'], maxBodyBytes: 0, handler: health },
  { name: 'alerts', route: 'alerts', methods: ['POST'], maxBodyBytes: MAX_BODY_BYTES, handler: alerts },
  { name: 'priorities', route: 'priorities', methods: ['POST'], maxBodyBytes: MAX_BODY_BYTES, handler: priorities },
];

/** Timers use NCRONTAB (six fields, seconds first), as the Functions host does. */
export const TIMER_FUNCTIONS: { name: string; schedule: string; handler: TimerHandler }[] = [
  // Daily at 02:30 UTC: anonymise incidents past the retention period (quiet hours; runs are idempotent).
  { name: 'retention', schedule: '0 30 2 * * *', handler: retention },
  // Every 2 minutes, a safety net only: enqueueing wakes the sender at once (QUEUE_FUNCTIONS); this sends what a
  // lost wake left behind. The sender lease (bot/outbox/run.ts) keeps one instance sending at a time.
  { name: 'outbox', schedule: '0 */2 * * * *', handler: outbox },
  { name: 'escalations', schedule: '0 * * * * *', handler: escalations },
  // Every minute: due joint-operation reminders into the outbox (ETag claims make overlapping runs safe).
  { name: 'reminders', schedule: '0 * * * * *', handler: reminders },
  // Every 5 minutes, so a digest arrives within 5 minutes of its chosen time (it was hourly: a 21:30 digest came at 22:00).
  // Idle runs cost one partition read: a subscription whose due week is done is passed over (its lastWeek).
  { name: 'digests', schedule: '0 */5 * * * *', handler: digests },
  // Every 15 minutes: hotspot early warnings (create-once rows: one warning per place and window however often it runs).
  { name: 'warnings', schedule: '0 */15 * * * *', handler: warnings },
  // Daily at 06:00 UTC: access-review rounds that are due open, and past a round's deadline the unconfirmed are suspended.
  { name: 'accessReview', schedule: '0 0 6 * * *', handler: accessReview },
];

/**
 * Storage-queue triggers, on the app's own storage account (`AzureWebJobsStorage`). `queue` is the name
 * before the table prefix is applied: see `wakeQueueName`.
 */
export const QUEUE_FUNCTIONS: { name: string; queue: 'outbox'; handler: QueueHandler }[] = [
  // An enqueue wakes the sender: a private card or an alert goes out in well under a second, not at the next timer.
  { name: 'outboxWake', queue: 'outbox', handler: outboxWake },
];
