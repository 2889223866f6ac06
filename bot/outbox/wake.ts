import type { StorageConnection } from '../store/store';
import type { Logger } from '../kernel/logger';
import { azureCredential } from '../store/credential';

/**
 * Wakes the sender when something is put into the outbox, instead of
 * leaving it for a timer. The table outbox stays the source of truth: a
 * wake is only a hint ("look now", or "look in N ms" for a retry or a
 * not-before time). A lost wake costs latency, never a message: the
 * `outbox` timer (every minute) sends whatever a missed wake left behind.
 */
export interface OutboxWaker {
  /** Asks for a sender run now, or after `delayMs`. Never throws: failures are logged and left to the timer. */
  wake(delayMs?: number): Promise<void>;
}

/** The Storage queue the `outboxWake` function listens on. Derived from the table prefix so test stores do not share one. */
export function wakeQueueName(tablePrefix: string): string {
  return `${tablePrefix.toLowerCase()}-outbox`;
}

/** Queue messages are base64 (the Functions host's default `messageEncoding`); the body carries nothing the sender trusts. */
export const WAKE_MESSAGE = Buffer.from(JSON.stringify({ wake: 'outbox' })).toString('base64');

/** Longest delay a queue message may be hidden for (7 days); a later retry is the timer's. */
const MAX_VISIBILITY_S = 7 * 24 * 3600 - 1;

export interface QueueLike {
  createIfNotExists(): Promise<unknown>;
  sendMessage(text: string, options?: { visibilityTimeout?: number; messageTimeToLive?: number }): Promise<unknown>;
}

/** A waker over an Azure Storage queue (Azurite locally). The queue client is loaded on first use, so cold starts that never wake do not pay for it. */
export function queueWaker(open: () => Promise<QueueLike>, log: Logger): OutboxWaker {
  let queue: Promise<QueueLike> | undefined;
  const ready = () =>
    (queue ??= (async () => {
      const q = await open();
      await q.createIfNotExists();
      return q;
    })().catch((err: unknown) => {
      queue = undefined; // try again on the next wake
      throw err;
    }));
  return {
    async wake(delayMs = 0) {
      try {
        const q = await ready();
        const visibilityTimeout = Math.min(MAX_VISIBILITY_S, Math.max(0, Math.ceil(delayMs / 1000)));
        // A wake older than a day is pointless: the timer has long since sent what it was for.
        await q.sendMessage(WAKE_MESSAGE, { visibilityTimeout, messageTimeToLive: visibilityTimeout + 86_400 });
      } catch (err) {
        log.warn('could not wake the outbox sender; the timer will send it', { error: (err as Error).message });
      }
    },
  };
}

/** The waker for the configured storage account: the same account as the tables, its queue service. */
export function storageQueueWaker(connection: StorageConnection, tablePrefix: string, log: Logger): OutboxWaker {
  const name = wakeQueueName(tablePrefix);
  return queueWaker(async () => {
    const { QueueServiceClient, QueueClient } = await import('@azure/storage-queue');
    // A wake is a hint: one quick retry at most, never the SDK's minutes of backoff inside a user's turn.
    const options = { retryOptions: { maxTries: 2, tryTimeoutInMs: 3000, retryDelayInMs: 100, maxRetryDelayInMs: 200 } };
    if ('connectionString' in connection) return QueueServiceClient.fromConnectionString(connection.connectionString, options).getQueueClient(name);
    // The Table endpoint names the account: https://<account>.table.core.windows.net → .queue.
    const queueUrl = connection.accountUrl.replace(/\.table\./, '.queue.').replace(/\/$/, '');
    const credential = connection.credential ?? azureCredential();
    return new QueueClient(`${queueUrl}/${name}`, credential, options);
  }, log);
}
