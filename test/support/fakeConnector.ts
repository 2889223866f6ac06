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
  /**
   * Queue responses for the next calls: { status: 429, retryAfter: 1 }, { status: 503 }, { status: 0 } for a
   * request that never gets an answer (the client's timeout must fire), { status: -1 } for a reset connection.
   */
  failNext(...responses: { status: number; retryAfter?: number }[]): void;
  /** Enforce Teams-like limits: more than `perSecond` sends in a second get 429 with Retry-After. */
  enforceLimits(limits: { perSecond: number; perConversationPerSecond: number }): void;
  /** Counts of what happened, for fault and load tests. */
  stats: { requests: number; throttled: number; injected: number };
  /** Answer channels for GET /v3/teams/{id}/conversations. */
  channels: { id: string; name?: string }[];
  /** Answer GET /v3/conversations/{id}/members/{userId} with these profiles (by user id: e-mail, UPN, …). */
  members: Record<string, Record<string, unknown>>;
  waitFor(predicate: (a: SentActivity) => boolean, timeoutMs?: number): Promise<SentActivity>;
  close(): Promise<void>;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const sent: SentActivity[] = [];
  const failures: { status: number; retryAfter?: number }[] = [];
  const waiters: { predicate: (a: SentActivity) => boolean; resolve: (a: SentActivity) => void }[] = [];
  const fake = { channels: [] as { id: string; name?: string }[], members: {} as Record<string, Record<string, unknown>> };
  let limits: { perSecond: number; perConversationPerSecond: number } | undefined;
  const recent: { at: number; conversationId: string }[] = [];
  const stats = { requests: 0, throttled: 0, injected: 0 };
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

    // One member of a conversation (TeamsInfo.getMember): the profile a test registered, else 404 as Teams answers.
    const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && member) {
      const profile = fake.members[decodeURIComponent(member[2]!)];
      return profile ? json(200, profile) : json(404, { error: { code: 'MemberNotFoundInConversation', message: 'member not found' } });
    }

    const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m || (req.method !== 'POST' && req.method !== 'PUT')) return json(404, { error: { code: 'NotFound', message: url.pathname } });

    stats.requests++;
    const failure = failures.shift();
    if (failure?.status === -1) {
      stats.injected++;
      return void req.socket.destroy();
    }
    if (failure?.status === 0) {
      // A dropped request: no answer, nothing recorded; the client's timeout must fire.
      stats.injected++;
      setTimeout(() => res.destroy(), 30_000).unref();
      return;
    }
    if (failure) stats.injected++;
    if (!failure && limits) {
      const now = Date.now();
      while (recent.length && recent[0]!.at <= now - 1000) recent.shift();
      const conversationId = decodeURIComponent(m[1]!);
      const inConversation = recent.filter((r) => r.conversationId === conversationId).length;
      if (recent.length >= limits.perSecond || inConversation >= limits.perConversationPerSecond) {
        stats.throttled++;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        return res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'throttled' } }));
      }
      recent.push({ at: now, conversationId });
    }
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
    get members() {
      return fake.members;
    },
    set channels(v) {
      fake.channels = v;
    },
    failNext: (...r) => failures.push(...r),
    enforceLimits: (l) => (limits = l),
    stats,
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
