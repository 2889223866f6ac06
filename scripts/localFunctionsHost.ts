import http from 'node:http';
import { HttpRequest, InvocationContext } from '@azure/functions';
import type { Runtime } from '../bot/runtime';
import { HTTP_FUNCTIONS, TIMER_FUNCTIONS } from '../functions/registry';
import { matches, parseNcrontab } from './ncrontab';

/**
 * A thin stand-in for the Azure Functions host, for local runs and tests
 * only: it serves the same handlers at /api/<route> and fires the same
 * timers on their NCRONTAB schedules. In Azure, functions/index.ts registers
 * these handlers with the real host instead.
 */
export interface LocalHost {
  url: string;
  close(): Promise<void>;
}

export async function startLocalHost(runtime: Runtime, opts: { host: string; port: number; timers?: boolean }): Promise<LocalHost> {
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
  return {
    url: `http://${opts.host}:${port}`,
    async close() {
      stopTimers();
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

  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
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

function invocation(functionName: string, runtime: Runtime): InvocationContext {
  return new InvocationContext({
    functionName,
    invocationId: crypto.randomUUID(),
    logHandler: (level, ...args) => runtime.ctx.log.info(`[${functionName}] ${level}`, { args: args.map(String) }),
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
