import http from 'node:http';

export interface SentActivity {
  conversationId: string;
  /** When the connector accepted it (epoch ms), for checking rates over any window. */
  at: number;
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
  /**
   * Enforce Teams' limits (TEAMS_CONNECTOR_LIMITS unless given others): a send beyond any of them, counted
   * over a sliding window of accepted sends, gets 429 with Retry-After. `false` stops enforcing.
   */
  enforceLimits(limits?: ConnectorLimits | false): void;
  /** Counts of what happened, for fault and load tests; `throttledAt`: when each 429 for a limit was answered. */
  stats: { requests: number; throttled: number; injected: number; throttledAt: number[] };
  /** Answer channels for GET /v3/teams/{id}/conversations. */
  channels: { id: string; name?: string }[];
  /** Answer GET /v3/conversations/{id}/members/{userId} with these profiles (by user id: e-mail, UPN, …). */
  members: Record<string, Record<string, unknown>>;
  waitFor(predicate: (a: SentActivity) => boolean, timeoutMs?: number): Promise<SentActivity>;
  close(): Promise<void>;
}

export interface ConnectorLimits {
  /** Sends per app per tenant in any second. */
  perSecond: number;
  /** Sends to one conversation: at most `max` in any `windowMs`. */
  perConversation: { windowMs: number; max: number }[];
}

/**
 * The published Teams limits (Teams platform documentation, "Rate limiting for bots"), spelt out here rather
 * than taken from the product's pacer, so a pacer that forgets one is caught: per app per tenant 50 requests a
 * second; per bot per conversation 7 a second, 8 in 2 seconds, 60 in 30 seconds and 1,800 an hour.
 */
export const TEAMS_CONNECTOR_LIMITS: ConnectorLimits = {
  perSecond: 50,
  perConversation: [
    { windowMs: 1000, max: 7 },
    { windowMs: 2000, max: 8 },
    { windowMs: 30_000, max: 60 },
    { windowMs: 3_600_000, max: 1800 },
  ],
};

export async function startFakeConnector(): Promise<FakeConnector> {
  const sent: SentActivity[] = [];
  const failures: { status: number; retryAfter?: number }[] = [];
  const waiters: { predicate: (a: SentActivity) => boolean; resolve: (a: SentActivity) => void }[] = [];
  const fake = { channels: [] as { id: string; name?: string }[], members: {} as Record<string, Record<string, unknown>> };
  let limits: ConnectorLimits | undefined;
  /** Accepted sends, oldest first, as long as the longest window needs them. */
  const recent: { at: number; conversationId: string }[] = [];
  const stats = { requests: 0, throttled: 0, injected: 0, throttledAt: [] as number[] };
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
    const now = Date.now();
    if (!failure && limits) {
      const longest = Math.max(1000, ...limits.perConversation.map((w) => w.windowMs));
      while (recent.length && recent[0]!.at <= now - longest) recent.shift();
      const conversationId = decodeURIComponent(m[1]!);
      const inLastSecond = recent.filter((r) => r.at > now - 1000).length;
      const overConversation = limits.perConversation.some(
        (w) => recent.filter((r) => r.conversationId === conversationId && r.at > now - w.windowMs).length >= w.max,
      );
      if (inLastSecond >= limits.perSecond || overConversation) {
        stats.throttled++;
        stats.throttledAt.push(now);
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
      at: now,
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
    enforceLimits: (l = TEAMS_CONNECTOR_LIMITS) => (limits = l || undefined),
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
