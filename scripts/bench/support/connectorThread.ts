/**
 * The local Bot Connector (test/support/fakeConnector.ts) on a thread of its
 * own, for benchmarks that measure pacing. In the benchmark's own thread, its
 * clock would be the sender's event loop: requests sent evenly but read after
 * a pause of that loop get the same timestamp, and the fake would count 429s
 * that Teams, which does not share our event loop, would not. On its own
 * thread it timestamps a request when it arrives, as the service does.
 */
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { startFakeConnector, type ConnectorLimits, type FakeConnector } from '../../../test/support/fakeConnector';

export interface ConnectorThread {
  serviceUrl: string;
  enforceLimits(limits?: ConnectorLimits | false): Promise<void>;
  failNext(...responses: { status: number; retryAfter?: number }[]): Promise<void>;
  /** What the connector accepted (when, where) and its counts, so far. */
  report(): Promise<{ sent: { conversationId: string; method: 'POST' | 'PUT'; at: number }[]; stats: FakeConnector['stats'] }>;
  close(): Promise<void>;
}

type Request = { id: number; op: 'enforceLimits' | 'failNext' | 'report' | 'close'; args: unknown[] };

export async function startConnectorThread(): Promise<ConnectorThread> {
  // The worker runs this same file, TypeScript, through tsx as the benchmarks do.
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true });
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  const serviceUrl = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { serviceUrl: string }) => resolve(m.serviceUrl));
  });
  worker.on('message', (m: { id: number; value: unknown }) => {
    pending.get(m.id)?.(m.value);
    pending.delete(m.id);
  });
  const call = <T>(op: Request['op'], ...args: unknown[]) =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (value: unknown) => void);
      worker.postMessage({ id, op, args } satisfies Request);
    });
  return {
    serviceUrl,
    enforceLimits: (limits) => call('enforceLimits', limits),
    failNext: (...responses) => call('failNext', ...responses),
    report: () => call('report'),
    async close() {
      await call('close');
      await worker.terminate();
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  void startFakeConnector().then((connector) => {
    port.postMessage({ serviceUrl: connector.serviceUrl });
    port.on('message', async ({ id, op, args }: Request) => {
      let value: unknown;
      if (op === 'enforceLimits') connector.enforceLimits(args[0] as ConnectorLimits | false | undefined);
      if (op === 'failNext') connector.failNext(...(args as { status: number; retryAfter?: number }[]));
      if (op === 'report') value = { sent: connector.sent.map((a) => ({ conversationId: a.conversationId, method: a.method, at: a.at })), stats: connector.stats };
      if (op === 'close') await connector.close();
      port.postMessage({ id, value });
    });
  });
}
