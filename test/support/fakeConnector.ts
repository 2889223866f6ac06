import http from 'node:http';

export interface SentActivity {
  conversationId: string;
  method: 'POST' | 'PUT';
  activityId?: string;
  activity: Record<string, unknown> & { type?: string; attachments?: { contentType: string; content: any }[] };
}

/**
 * A local Bot Connector: records what the bot sends and answers like the
 * real service (ids for posts, 429 / 5xx when a test asks for them).
 */
export interface FakeConnector {
  serviceUrl: string;
  sent: SentActivity[];
  /** Queue responses for the next calls (e.g. { status: 429, retryAfter: 1 }). */
  failNext(...responses: { status: number; retryAfter?: number }[]): void;
  /** Answer channels for GET /v3/teams/{id}/conversations. */
  channels: { id: string; name?: string }[];
  waitFor(predicate: (a: SentActivity) => boolean, timeoutMs?: number): Promise<SentActivity>;
  close(): Promise<void>;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const sent: SentActivity[] = [];
  const failures: { status: number; retryAfter?: number }[] = [];
  const waiters: { predicate: (a: SentActivity) => boolean; resolve: (a: SentActivity) => void }[] = [];
  const fake = { channels: [] as { id: string; name?: string }[] };
  let nextId = 1;

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };

    const teams = /^\/v3\/teams\/([^/]+)\/conversations$/.exec(url.pathname);
    if (req.method === 'GET' && teams) return json(200, { conversations: fake.channels });

    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m || (req.method !== 'POST' && req.method !== 'PUT')) return json(404, { error: { code: 'NotFound', message: url.pathname } });

    const failure = failures.shift();
    if (failure) {
      res.writeHead(failure.status, {
        'content-type': 'application/json',
        ...(failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {}),
      });
      return res.end(JSON.stringify({ error: { code: String(failure.status), message: 'injected failure' } }));
    }
    const activity = JSON.parse(text) as SentActivity['activity'];
    const record: SentActivity = {
      conversationId: decodeURIComponent(m[1]!),
      method: req.method as 'POST' | 'PUT',
      activityId: m[2] ? decodeURIComponent(m[2]) : undefined,
      activity,
    };
    sent.push(record);
    for (const w of [...waiters]) {
      if (w.predicate(record)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(record);
      }
    }
    json(200, { id: record.activityId ?? `activity-${nextId++}` });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };

  return {
    serviceUrl: `http://127.0.0.1:${addr.port}/`,
    sent,
    get channels() {
      return fake.channels;
    },
    set channels(v) {
      fake.channels = v;
    },
    failNext: (...r) => failures.push(...r),
    waitFor(predicate, timeoutMs = 5000) {
      const found = sent.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching activity was sent')), timeoutMs);
        waiters.push({ predicate, resolve: (a) => (clearTimeout(timer), resolve(a)) });
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
