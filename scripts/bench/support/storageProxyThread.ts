/**
 * The counting storage proxy (support/storageProxy.ts) on a thread of its
 * own, for benchmarks that time turns. In the bot's thread, every storage
 * request would cost that thread the proxy's work as well (an HTTP server
 * and a client per request): work a deployed bot never does, and which
 * queues behind, and delays, the turns being timed. Its counts are shared
 * memory, so a snapshot is exact and synchronous, as in the same thread.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startStorageProxy, type Classified, type RequestCounts, type RequestKind, type StorageProxy } from './storageProxy';

const KINDS: RequestKind[] = ['point', 'partition', 'scan', 'write', 'service'];
/** Shared counters: total, one per kind, then the largest $top and the queries without one. */
const TOTAL = 0;
const MAX_TOP = 1 + KINDS.length;
const UNBOUNDED = MAX_TOP + 1;
const SLOTS = UNBOUNDED + 1;
const MAX_SCANS = 20;

export async function startStorageProxyThread(connectionString: string): Promise<Omit<StorageProxy, 'setShortPages'>> {
  const counters = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  // The worker runs this same file, TypeScript, through tsx as the benchmarks do.
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true, workerData: { connectionString, counters } });
  const proxied = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { connectionString: string }) => resolve(m.connectionString));
  });
  let scans: string[] = [];
  worker.on('message', (m: { scan?: string }) => {
    if (m.scan !== undefined && scans.length < MAX_SCANS) scans.push(m.scan);
  });
  return {
    connectionString: proxied,
    snapshot(): RequestCounts {
      const at = (i: number) => Atomics.load(counters, i);
      return {
        total: at(TOTAL),
        byKind: Object.fromEntries(KINDS.map((k, i) => [k, at(1 + i)])) as Record<RequestKind, number>,
        maxTop: at(MAX_TOP),
        unbounded: at(UNBOUNDED),
        scans: [...scans],
      };
    },
    // Between levels, with no turn in flight.
    reset() {
      for (let i = 0; i < SLOTS; i++) Atomics.store(counters, i, 0);
      scans = [];
    },
    async close() {
      await worker.terminate();
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { connectionString, counters } = workerData as { connectionString: string; counters: Int32Array };
  const count = (r: Classified) => {
    Atomics.add(counters, TOTAL, 1);
    Atomics.add(counters, 1 + KINDS.indexOf(r.kind), 1);
    if (r.kind === 'partition' || r.kind === 'scan') {
      if (r.top === undefined) Atomics.add(counters, UNBOUNDED, 1);
      else for (let top = Atomics.load(counters, MAX_TOP); r.top > top; top = Atomics.load(counters, MAX_TOP)) Atomics.compareExchange(counters, MAX_TOP, top, r.top);
    }
    if (r.kind === 'scan') port.postMessage({ scan: r.table });
  };
  void startStorageProxy(connectionString, { onRequest: count }).then((proxy) => port.postMessage({ connectionString: proxy.connectionString }));
}
