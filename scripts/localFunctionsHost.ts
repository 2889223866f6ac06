import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import type { Runtime } from '../bot/runtime';
import { wakeQueueName } from '../bot/outbox/wake';
import { HTTP_FUNCTIONS, QUEUE_FUNCTIONS, TIMER_FUNCTIONS, type QueueHandler } from '../functions/registry';
import { declaredTooLarge, readLimited, tooLarge } from '../functions/body';
import { matches, parseNcrontab } from './ncrontab';

/**
 * A thin stand-in for the Azure Functions host, for local runs and tests
 * only: it serves the same handlers at /api/<route>, fires the same
 * timers on their NCRONTAB schedules and runs the same queue-triggered
 * functions, polling their Azurite queues as the host does (host.json
 * `extensions.queues`). In Azure, functions/index.ts registers these
 * handlers with the real host instead.
 */
export interface LocalHost {
  url: string;
  close(): Promise<void>;
}

export async function startLocalHost(
  runtime: Runtime,
  /** `queues` defaults to `timers`: tests that drive the outbox themselves turn both off. */
  opts: { host: string; port: number; timers?: boolean; queues?: boolean },
): Promise<LocalHost> {
  const server = http.createServer((req, res) => {
    void serve(runtime, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;

  const stopTimers = opts.timers === false ? () => {} : startTimers(runtime);
  const stopQueues = (opts.queues ?? opts.timers) === false ? async () => {} : startQueues(runtime);
  return {
    url: `http://${opts.host}:${port}`,
    async close() {
      stopTimers();
      await stopQueues();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serve(runtime: Runtime, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const route = url.pathname.replace(/^\/api\//, '');
  const fn = HTTP_FUNCTIONS.find((f) => f.route === route);
  if (!fn || !url.pathname.startsWith('/api/')) return send(res, 404, { error: `no function at ${url.pathname}` });
  if (!fn.methods.includes((req.method ?? 'GET') as 'GET' | 'POST')) return send(res, 405, { error: `${req.method} not allowed` });

  // Read with the function's byte limit: never the whole of a huge body (see functions/body.ts).
  const refuse = (error: string) => {
    // Close the connection once the 413 is out: reading (even discarding) the rest is what the limit prevents.
    res.setHeader('connection', 'close');
    res.on('finish', () => req.socket.destroy());
    send(res, 413, { error });
  };
  if (declaredTooLarge(req.headers['content-length'], fn.maxBodyBytes)) return refuse(tooLarge(fn.maxBodyBytes).error);
  const read = await readLimited(req.iterator({ destroyOnReturn: false }), fn.maxBodyBytes, () => req.pause());
  if (!read.ok) return refuse(read.error);
  const body = read.text;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;

  const request = new HttpRequest({
    method: req.method ?? 'GET',
    url: url.toString(),
    headers,
    query: Object.fromEntries(url.searchParams),
    ...(body ? { body: { string: body } } : {}),
  });
  const context = invocation(fn.name, runtime);
  try {
    const response = await fn.handler(request, context, runtime);
    res.statusCode = response.status ?? 200;
    response.headers.forEach((value, key) => res.setHeader(key, value));
    const out = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
    res.end(out);
  } catch (err) {
    runtime.ctx.log.error('function failed', { function: fn.name, error: (err as Error).message });
    send(res, 500, { error: 'internal error' });
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

/** The InvocationContext the local host gives a function: its context.log goes to the runtime's logger. */
export function invocation(functionName: string, runtime: Runtime): InvocationContext {
  return new InvocationContext({
    functionName,
    invocationId: crypto.randomUUID(),
    // What a function writes with context.log, as one line at its level: the message itself, not the level name.
    logHandler: (level, ...args) => {
      const at = level === 'error' || level === 'critical' ? 'error' : level === 'warning' ? 'warn' : 'info';
      runtime.ctx.log[at](args.map(String).join(' '), { function: functionName });
    },
  });
}

function startTimers(runtime: Runtime): () => void {
  const timers = TIMER_FUNCTIONS.map((t) => ({ ...t, parsed: parseNcrontab(t.schedule), running: false }));
  let last = Math.floor(Date.now() / 1000);
  const tick = setInterval(() => {
    const now = Math.floor(Date.now() / 1000);
    // Walk every second since the last tick so a slow tick never skips a schedule.
    for (let s = last + 1; s <= now; s++) {
      for (const t of timers) {
        if (!matches(t.parsed, new Date(s * 1000)) || t.running) continue;
        t.running = true;
        const timer = { isPastDue: now - s > 5, schedule: { adjustForDST: false }, scheduleStatus: undefined };
        t.handler(timer as never, invocation(t.name, runtime), runtime)
          .catch((err: Error) => runtime.ctx.log.error('timer failed', { function: t.name, error: err.message }))
          .finally(() => (t.running = false));
      }
    }
    last = now;
  }, 250);
  return () => clearInterval(tick);
}

/** host.json's queue settings, so the local poller behaves as the Functions host will. */
export function queueSettings(): { maxPollingIntervalMs: number; batchSize: number; maxDequeueCount: number } {
  const hostJson = JSON.parse(readFileSync(path.join(__dirname, '..', 'host.json'), 'utf8')) as {
    extensions?: { queues?: { maxPollingInterval?: string; batchSize?: number; maxDequeueCount?: number } };
  };
  const q = hostJson.extensions?.queues ?? {};
  const m = /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(q.maxPollingInterval ?? '00:01:00');
  const maxPollingIntervalMs = m ? ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 : 60_000;
  return { maxPollingIntervalMs, batchSize: q.batchSize ?? 16, maxDequeueCount: q.maxDequeueCount ?? 5 };
}

/**
 * Polls each queue function's queue like the host: at once again after a
 * message, backing off to maxPollingInterval while empty; messages of a batch
 * run concurrently; a message whose function throws is retried, and after
 * maxDequeueCount attempts moved to `<queue>-poison`.
 */
function startQueues(runtime: Runtime): () => Promise<void> {
  const storage = runtime.ctx.config.storage;
  if (!('connectionString' in storage)) return async () => {};
  const settings = queueSettings();
  const service = QueueServiceClient.fromConnectionString(storage.connectionString);
  let running = true;
  let wakeUp: () => void = () => {};
  const loops = QUEUE_FUNCTIONS.map(async (fn) => {
    const name = wakeQueueName(runtime.ctx.config.tablePrefix);
    const queue = service.getQueueClient(name);
    await queue.createIfNotExists().catch(() => {});
    let idleMs = 50;
    while (running) {
      let got = 0;
      try {
        const batch = await queue.receiveMessages({ numberOfMessages: settings.batchSize, visibilityTimeout: 5 * 60 });
        got = batch.receivedMessageItems.length;
        await Promise.all(batch.receivedMessageItems.map((m) => handleMessage(runtime, fn, queue, service.getQueueClient(`${name}-poison`), m, settings.maxDequeueCount)));
      } catch (err) {
        runtime.ctx.log.warn('queue poll failed', { function: fn.name, error: (err as Error).message });
      }
      if (got > 0) {
        idleMs = 50;
        continue;
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, idleMs);
        wakeUp = () => (clearTimeout(t), r());
      });
      idleMs = Math.min(idleMs * 2, settings.maxPollingIntervalMs);
    }
  });
  return async () => {
    running = false;
    wakeUp();
    await Promise.all(loops);
  };
}

async function handleMessage(
  runtime: Runtime,
  fn: { name: string; handler: QueueHandler },
  queue: QueueClient,
  poison: QueueClient,
  m: { messageId: string; popReceipt: string; messageText: string; dequeueCount: number },
  maxDequeueCount: number,
): Promise<void> {
  // The host decodes base64 and hands JSON over parsed; so does this.
  const text = Buffer.from(m.messageText, 'base64').toString('utf8');
  let message: unknown = text;
  try {
    message = JSON.parse(text);
  } catch {
    // not JSON: the function gets the string, as from the host
  }
  try {
    await fn.handler(message, invocation(fn.name, runtime), runtime);
    await queue.deleteMessage(m.messageId, m.popReceipt);
  } catch (err) {
    runtime.ctx.log.error('queue function failed', { function: fn.name, error: (err as Error).message, dequeueCount: m.dequeueCount });
    if (m.dequeueCount >= maxDequeueCount) {
      await poison.createIfNotExists().catch(() => {});
      await poison.sendMessage(m.messageText).catch(() => {});
      await queue.deleteMessage(m.messageId, m.popReceipt).catch(() => {});
    } else {
      await queue.updateMessage(m.messageId, m.popReceipt, undefined, 1).catch(() => {});
    }
  }
}
