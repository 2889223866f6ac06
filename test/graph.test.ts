import { randomUUID } from 'node:crypto';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../bot/kernel/config';
import { type AppContext } from '../bot/kernel/context';
import { silentLogger, type Logger } from '../bot/kernel/logger';
import type { Caller } from '../bot/conversation/user';
import { graphFromConfig } from '../bot/graph';
import { announceStart, createRuntime } from '../bot/runtime';
import { createGraphClient, GRAPH_SCOPE } from '../bot/graph/client';
import { createGraphGateway } from '../bot/graph/gateway';
import type { GraphSettings } from '../bot/graph/settings';
import { cancelOperation, rescheduleOperation } from '../bot/operations/change';
import { scheduleOperation } from '../bot/operations/schedule';
import { DEMO_MEMBERS } from './support/demoDirectory';
import { applyDemoPartnershipIfEmpty } from '../scripts/demoPartnership';
import { freshStore } from './support/storage';

interface SeenRequest {
  method: string;
  url: string;
  authorization: string | null;
  body?: any;
}

/**
 * A terminal middleware that answers like Microsoft Graph v1.0 and checks the
 * request shapes its documentation gives: it stands where the HTTP handler
 * would, behind the real authentication and retry handlers.
 */
class FakeGraph implements Middleware {
  readonly requests: SeenRequest[] = [];
  readonly failures: { match: RegExp; status: number; retryAfter?: string }[] = [];
  readonly installed = new Set<string>();
  readonly directory = new Map<string, { displayName: string; mail: string | null; userPrincipalName: string }>();
  private nextEvent = 1;

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
    const raw = context.options?.body;
    const body = typeof raw === 'string' && raw ? JSON.parse(raw) : undefined;
    this.requests.push({ method, url, authorization: headers.get('authorization'), body });
    context.response = this.answer(method, new URL(url), body);
  }

  private answer(method: string, url: URL, body: any): Response {
    const json = (status: number, value?: unknown, extra: Record<string, string> = {}) =>
      new Response(value === undefined ? null : JSON.stringify(value), { status, headers: { 'content-type': 'application/json', ...extra } });
    const error = (status: number, code: string) => json(status, { error: { code, message: code } });
    const failure = this.failures.findIndex((f) => f.match.test(`${method} ${url.pathname}`));
    if (failure >= 0) {
      const f = this.failures.splice(failure, 1)[0]!;
      return json(f.status, { error: { code: 'TooManyRequests', message: 'throttled' } }, f.retryAfter ? { 'retry-after': f.retryAfter } : {});
    }
    if (url.origin !== 'https://graph.microsoft.com' || !url.pathname.startsWith('/v1.0/')) return error(400, 'BadRequest');
    // Matched on the encoded path: an id may hold '/' or '=' and must arrive as one segment.
    const path = url.pathname.slice('/v1.0'.length);
    let m: RegExpExecArray | null;

    if (method === 'GET' && (m = /^\/users\/([^/]+)$/.exec(path))) {
      // https://learn.microsoft.com/graph/api/user-get: /users/{id | userPrincipalName}, the UPN case-insensitive.
      const key = decodeURIComponent(m[1]!);
      const byId = this.directory.get(key);
      const byUpn = [...this.directory].find(([, u]) => u.userPrincipalName.toLowerCase() === key.toLowerCase());
      const [id, user] = byId ? [key, byId] : byUpn ?? [];
      return user ? json(200, { id, ...user }) : error(404, 'Request_ResourceNotFound');
    }
    if (method === 'POST' && (m = /^\/users\/([^/]+)\/events$/.exec(path))) {
      // https://learn.microsoft.com/graph/api/user-post-events
      expect(body).toMatchObject({
        subject: expect.any(String),
        body: { contentType: 'text', content: expect.any(String) },
        start: { dateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/), timeZone: 'Europe/London' },
        end: { dateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/), timeZone: 'Europe/London' },
        location: { displayName: expect.any(String) },
        transactionId: expect.any(String),
      });
      for (const a of body.attendees) expect(a).toEqual({ emailAddress: { address: expect.stringContaining('@'), name: expect.any(String) }, type: 'required' });
      return json(201, { id: `AAMkEvent${this.nextEvent++}`, ...body });
    }
    if (method === 'PATCH' && /^\/users\/[^/]+\/events\/[^/]+$/.test(path)) {
      // https://learn.microsoft.com/graph/api/event-update
      expect(body.start.timeZone).toBe('Europe/London');
      return json(200, { id: decodeURIComponent(path.split('/').pop()!), ...body });
    }
    if (method === 'POST' && /^\/users\/[^/]+\/events\/[^/]+\/cancel$/.test(path)) {
      // https://learn.microsoft.com/graph/api/event-cancel: 202 Accepted, no body
      expect(Object.keys(body)).toEqual(['Comment']);
      return new Response(null, { status: 202 });
    }
    if (method === 'POST' && (m = /^\/users\/([^/]+)\/teamwork\/installedApps$/.exec(path))) {
      // https://learn.microsoft.com/graph/api/userteamwork-post-installedapps
      expect(body).toEqual({ 'teamsApp@odata.bind': expect.stringMatching(/^https:\/\/graph\.microsoft\.com\/v1\.0\/appCatalogs\/teamsApps\/[^/]+$/) });
      if (this.installed.has(m[1]!)) return error(409, 'Conflict');
      this.installed.add(m[1]!);
      return new Response(null, { status: 201 });
    }
    return error(404, `NotFound ${method} ${path}`);
  }
}

function fakeCredential() {
  const scopes: string[][] = [];
  const credential: TokenCredential = {
    async getToken(s: string | string[]): Promise<AccessToken> {
      scopes.push(Array.isArray(s) ? s : [s]);
      return { token: 'test-token', expiresOnTimestamp: Date.now() + 3600_000 };
    },
  };
  return { credential, scopes };
}

const settings: GraphSettings = {
  tenantId: '00000000-0000-4000-8000-0000000c0dec',
  clientId: '11111111-1111-4111-8111-111111111111',
  credential: { kind: 'secret', secret: 'not-a-real-secret' },
  teamsAppCatalogId: 'b5f1e2d3-catalog',
};

const member = (name: string) => DEMO_MEMBERS.find((m) => m.displayName === name)!;
const TOM = member('Tom Bradley');
const PRIYA = member('Priya Shah');
const AISHA = member('Aisha Rahman');
const coordinator: Caller = { aadObjectId: TOM.aadObjectId, displayName: TOM.displayName, member: TOM };

function graphFor(fake: FakeGraph, log: Logger = silentLogger) {
  const { credential, scopes } = fakeCredential();
  return { gateway: createGraphGateway(createGraphClient(credential, fake), settings, log), scopes };
}

function withDirectory(fake: FakeGraph) {
  fake.directory.set(TOM.aadObjectId, { displayName: TOM.displayName, mail: 'tom.bradley@gmp.example', userPrincipalName: 'tom.bradley@gmp.example' });
  fake.directory.set(PRIYA.aadObjectId, { displayName: PRIYA.displayName, mail: null, userPrincipalName: 'priya.shah@stockporthomes.example' });
  return fake;
}

describe('Microsoft Graph, through the real client with its auth and retry handlers', () => {
  const event = {
    transactionId: 'concordat-OP-STO-7K3Q9M',
    subject: 'Day of action: Brinnington day of action',
    body: 'Joint operation OP-STO-7K3Q9M.',
    startsAt: '2026-10-26T09:00:00.000Z', // GMT, the day after the clocks go back
    endsAt: '2026-10-26T13:00:00.000Z',
    timeZone: 'Europe/London',
    location: 'Brinnington, Stockport',
    attendees: [PRIYA.aadObjectId, AISHA.aadObjectId],
  };

  it('creates an event in the organiser\'s calendar with a bearer token, London times and attendees by e-mail', async () => {
    const fake = withDirectory(new FakeGraph());
    const { gateway, scopes } = graphFor(fake);
    const { eventId } = await gateway.createEvent('coordinator@gmp.example', { ...event, startsAt: '2026-04-04T08:00:00.000Z', endsAt: '2026-04-04T15:00:00.000Z' });
    expect(eventId).toBe('AAMkEvent1');
    expect(scopes[0]).toEqual([GRAPH_SCOPE]);
    for (const r of fake.requests) expect(r.authorization).toBe('Bearer test-token');
    const post = fake.requests.find((r) => r.method === 'POST')!;
    expect(post.url).toBe('https://graph.microsoft.com/v1.0/users/coordinator%40gmp.example/events');
    expect(post.body.start).toEqual({ dateTime: '2026-04-04T09:00:00', timeZone: 'Europe/London' }); // BST
    expect(post.body.end).toEqual({ dateTime: '2026-04-04T16:00:00', timeZone: 'Europe/London' });
    // Aisha is not in the directory: left out, not fatal. Priya has no mail: her UPN is used.
    expect(post.body.attendees).toEqual([{ emailAddress: { address: 'priya.shah@stockporthomes.example', name: 'Priya Shah' }, type: 'required' }]);
    const lookups = fake.requests.filter((r) => r.method === 'GET').map((r) => new URL(r.url).searchParams.get('$select'));
    expect(lookups).toEqual(['id,displayName,mail,userPrincipalName', 'id,displayName,mail,userPrincipalName']);
  });

  it('retries a throttled call after Retry-After, as Graph asks', async () => {
    const fake = withDirectory(new FakeGraph());
    fake.failures.push({ match: /^POST .*\/events$/, status: 429, retryAfter: '0' });
    const { gateway } = graphFor(fake);
    await gateway.createEvent('coordinator@gmp.example', event);
    const posts = fake.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.body.start).toEqual({ dateTime: '2026-10-26T09:00:00', timeZone: 'Europe/London' }); // GMT
  });

  it('updates with PATCH, cancels with POST …/cancel, and installs the app for a user once', async () => {
    const fake = withDirectory(new FakeGraph());
    const { gateway } = graphFor(fake);
    await gateway.updateEvent('coordinator@gmp.example', 'AAMk/1=', event);
    await gateway.cancelEvent('coordinator@gmp.example', 'AAMk/1=', 'Cancelled in Concordat.');
    expect(await gateway.installForUser(AISHA.aadObjectId)).toBe('installed');
    expect(await gateway.installForUser(AISHA.aadObjectId)).toBe('already-installed');
    const calls = fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${decodeURIComponent(new URL(r.url).pathname)}`);
    expect(calls).toEqual([
      'PATCH /v1.0/users/coordinator@gmp.example/events/AAMk/1=',
      'POST /v1.0/users/coordinator@gmp.example/events/AAMk/1=/cancel',
      `POST /v1.0/users/${AISHA.aadObjectId}/teamwork/installedApps`,
      `POST /v1.0/users/${AISHA.aadObjectId}/teamwork/installedApps`,
    ]);
    expect(fake.requests.find((r) => r.url.endsWith('/cancel'))!.body).toEqual({ Comment: 'Cancelled in Concordat.' });
  });
});

describe('user principal names to object ids (bulk onboarding), through the real client', () => {
  it('asks /users/{upn} once per name with a bearer token, answers only the names the tenant knows, and throws on a refusal', async () => {
    const fake = withDirectory(new FakeGraph());
    const { gateway } = graphFor(fake);
    expect(gateway.tenantId).toBe(settings.tenantId);
    const found = await gateway.userIdsByUpn(['Priya.Shah@StockportHomes.example', 'priya.shah@stockporthomes.example', 'nobody@stockporthomes.example', PRIYA.aadObjectId]);
    // An object id passed as a "UPN" finds a user, but not by that sign-in name: not an answer.
    expect([...found]).toEqual([['priya.shah@stockporthomes.example', PRIYA.aadObjectId]]);
    const gets = fake.requests.map((r) => `${r.method} ${decodeURIComponent(new URL(r.url).pathname)} ${new URL(r.url).searchParams.get('$select')} ${r.authorization}`).sort();
    expect(gets).toEqual(
      [`GET /v1.0/users/${PRIYA.aadObjectId} id,userPrincipalName Bearer test-token`, 'GET /v1.0/users/nobody@stockporthomes.example id,userPrincipalName Bearer test-token', 'GET /v1.0/users/priya.shah@stockporthomes.example id,userPrincipalName Bearer test-token'].sort(),
    );
    // Without User.Read.All Graph answers 403: that is no "not found", and resolving fails rather than guessing.
    fake.failures.push({ match: /^GET \/v1\.0\/users\//, status: 403 });
    await expect(gateway.userIdsByUpn(['tom.bradley@gmp.example'])).rejects.toThrow();
  });
});

describe('joint operations with Graph configured', () => {
  async function context(fake: FakeGraph) {
    const { store } = await freshStore();
    await applyDemoPartnershipIfEmpty({ store, clock: () => new Date(), config: { auditChainKey: '' } });
    const now = { value: new Date('2026-10-20T09:00:00Z') };
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };
    const ctx: AppContext = { config: loadConfig({ CONCORDAT_MODE: 'local' }), store, clock: () => now.value, log, graph: graphFor(fake, log).gateway };
    await store.conversations.create({ kind: 'personal', conversationId: 'a:priya', serviceUrl: 'https://smba.example/uk/', tenantId: 't', userAadObjectId: PRIYA.aadObjectId, installedAt: now.value.toISOString() });
    return { ctx, now, warnings };
  }
  const form = () => ({
    submissionId: randomUUID(),
    name: 'Offerton warrant day', type: 'warrant', borough: 'stockport', area: 'Offerton',
    startDate: '2026-10-26', startTime: '09:00', endDate: '2026-10-26', endTime: '13:00',
    lead: 'gmp', partners: 'stockport-homes', participants: `${PRIYA.aadObjectId},${AISHA.aadObjectId}`,
    briefing: 'Entry team at the back door of the north block.', incidents: '', reminders: '1440,120', outcomesAfter: '1440',
  });

  it('creates the calendar event when scheduled, moves it, and cancels it; the briefing never goes to Graph', async () => {
    const fake = withDirectory(new FakeGraph());
    const { ctx, now } = await context(fake);
    const scheduled = await scheduleOperation(ctx, coordinator, form());
    if (scheduled.kind !== 'scheduled') throw new Error(scheduled.kind);
    expect(scheduled.op.calendar).toEqual({ organiser: TOM.aadObjectId, eventId: 'AAMkEvent1' });
    expect(scheduled.installRequested).toBe(1); // Aisha has no personal chat: Teams is asked to install Concordat for her
    const created = fake.requests.find((r) => r.method === 'POST' && r.url.endsWith('/events'))!;
    expect(created.url).toBe(`https://graph.microsoft.com/v1.0/users/${TOM.aadObjectId}/events`);
    expect(created.body.transactionId).toBe(`concordat-${scheduled.op.id}`);
    expect(created.body.subject).toBe('Warrant day: Offerton warrant day');
    expect(JSON.stringify(fake.requests)).not.toContain('back door');

    now.value = new Date('2026-10-21T09:00:00Z');
    const moved = await rescheduleOperation(ctx, coordinator, { operationId: scheduled.op.id, version: 1, startDate: '2026-10-24', startTime: '09:00', endDate: '2026-10-24', endTime: '12:00' });
    expect(moved.kind).toBe('rescheduled');
    const patch = fake.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.url).toBe(`https://graph.microsoft.com/v1.0/users/${TOM.aadObjectId}/events/AAMkEvent1`);
    expect(patch.body.start).toEqual({ dateTime: '2026-10-24T09:00:00', timeZone: 'Europe/London' }); // BST again

    const cancelled = await cancelOperation(ctx, coordinator, { operationId: scheduled.op.id, version: 2, reason: 'Warrant refused' });
    expect(cancelled.kind).toBe('cancelled');
    const cancel = fake.requests.find((r) => r.url.endsWith('/cancel'))!;
    expect(cancel.body).toEqual({ Comment: 'Cancelled in Concordat: Warrant refused.' });
  });

  it('a Graph failure is logged and scheduling still succeeds', async () => {
    const fake = withDirectory(new FakeGraph());
    fake.failures.push({ match: /^POST .*\/events$/, status: 403 });
    const { ctx, warnings } = await context(fake);
    const scheduled = await scheduleOperation(ctx, coordinator, form());
    expect(scheduled.kind).toBe('scheduled');
    if (scheduled.kind === 'scheduled') expect(scheduled.op.calendar).toBeUndefined();
    expect(warnings).toContain('graph: calendar event not created');
  });
});

describe('Graph configuration', () => {
  it('is off without credentials, and the host says so once in its start-up lines, not each time a runtime is built', () => {
    const lines: string[] = [];
    const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const config = loadConfig({ CONCORDAT_MODE: 'local' });
    expect(graphFromConfig(config, log)).toBeUndefined();
    createRuntime(config, log);
    expect(lines).toEqual([]);
    announceStart(config, log);
    expect(lines).toEqual(['Concordat starting', expect.stringContaining('Microsoft Graph is off')]);
  });

  it('reuses the bot identity with a Graph secret, or takes a managed identity; incomplete settings stop start-up', () => {
    const production = {
      CONCORDAT_MODE: 'production', MicrosoftAppId: settings.clientId, MicrosoftAppTenantId: settings.tenantId, MicrosoftAppPassword: 'bot-secret',
      STORAGE_ACCOUNT_URL: 'https://concordat.table.core.windows.net', REFERENCE_HASH_KEY: 'k'.repeat(32),
    };
    expect(loadConfig({ ...production, GRAPH_CLIENT_SECRET: 'graph-secret' }).graph).toEqual({
      tenantId: settings.tenantId, clientId: settings.clientId, credential: { kind: 'secret', secret: 'graph-secret' },
    });
    expect(loadConfig({ ...production, GRAPH_MANAGED_IDENTITY: 'system', GRAPH_TEAMS_APP_CATALOG_ID: 'cat-1' }).graph).toMatchObject({
      credential: { kind: 'managedIdentity' }, teamsAppCatalogId: 'cat-1',
    });
    expect(() => loadConfig({ CONCORDAT_MODE: 'local', GRAPH_CLIENT_SECRET: 'graph-secret' })).toThrow(ConfigError);
    expect(() => loadConfig({ CONCORDAT_MODE: 'local', GRAPH_CLIENT_SECRET: 'graph-secret' })).toThrow(/GRAPH_TENANT_ID/);
  });
});
