import { loadConfig } from '../../bot/kernel/config';
import { silentLogger, type Logger } from '../../bot/kernel/logger';
import { createRuntime, type Runtime } from '../../bot/runtime';
import { applyDemoPartnershipIfEmpty } from '../../scripts/demoPartnership';
import { startLocalHost, type LocalHost } from '../../scripts/localFunctionsHost';
import { startFakeConnector, type FakeConnector } from './fakeConnector';
import { freshStore } from './storage';

export const TENANT = '00000000-0000-4000-8000-0000000c0dec';
const HOST_TENANT = TENANT;
export const PRIYA = { id: '29:priya', aadObjectId: '00000000-0000-4000-8000-000000000001', name: 'Priya Shah' };
/** GMP coordinator: every borough. */
export const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' };
/** Salix Homes (Salford) staff. */
export const AISHA = { id: '29:aisha', aadObjectId: '00000000-0000-4000-8000-000000000005', name: 'Aisha Rahman' };
export const DAN = { id: '29:dan', aadObjectId: '00000000-0000-4000-8000-000000000004', name: 'Dan Whitworth' };
export const STRANGER = { id: '29:stranger', aadObjectId: '00000000-0000-4000-8000-0000000000ff', name: 'Sam Stranger' };
/** Stockport Homes' approver (orgLead), host tenant. */
export const MARIA = { id: '29:maria', aadObjectId: '00000000-0000-4000-8000-000000000009', name: 'Maria Lopez' };
/** Not in the directory: the person who asks for access. */
export const SAM = { id: '29:sam', aadObjectId: '00000000-0000-4000-8000-000000000008', name: 'Sam Newton' };
/** City West Housing Trust, in its own (partner) tenant. */
export const CITY_WEST_TENANT = 'c1700000-0000-4000-8000-00000000c1e5';
export const KWAME = { id: '29:kwame', aadObjectId: '00000000-0000-4000-8000-000000000007', name: 'Kwame Mensah', tenantId: CITY_WEST_TENANT };

/**
 * The bot as Teams sees it: the real handlers served over HTTP by the local
 * Functions host, on Azurite with demo data, talking to a fake Bot Connector.
 */
export interface BotHarness {
  host: LocalHost;
  connector: FakeConnector;
  runtime: Runtime;
  now: { value: Date };
  post(activity: Record<string, unknown>): Promise<{ status: number; body: any }>;
  say(user: typeof PRIYA, text: string, conversation?: Partial<Conversation>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface Conversation {
  id: string;
  conversationType: 'personal' | 'groupChat' | 'channel';
  teamId?: string;
  channelId?: string;
  teamName?: string;
}

export function personalChat(user: typeof PRIYA): Conversation {
  return { id: `a:personal-${user.id}`, conversationType: 'personal' };
}

export async function startBotHarness(
  opts: { log?: Logger; start?: Date; /** Extra settings, e.g. PARTNER_KEYS. */ env?: Record<string, string>; /** Storage of the test's own (e.g. an Azurite it stops and restarts); default: the run's Azurite. */ storage?: { connectionString: string; prefix: string } } = {},
): Promise<BotHarness> {
  const { connectionString, prefix } = opts.storage ?? (await freshStore());
  const config = loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: connectionString, TABLE_PREFIX: prefix, PORT: '0', ...opts.env });
  const now = { value: opts.start ?? new Date('2026-11-25T10:00:00Z') };
  const runtime = createRuntime(config, opts.log ?? silentLogger, () => now.value);
  // What a host's first `messages` invocation does: loaded here, in set-up, not inside the first test's time.
  await runtime.teams();
  await runtime.ctx.store.ensureTables();
  await applyDemoPartnershipIfEmpty(runtime.ctx);
  const connector = await startFakeConnector();
  const host = await startLocalHost(runtime, { host: '127.0.0.1', port: 0, timers: false });

  const post = async (activity: Record<string, unknown>) => {
    const res = await fetch(`${host.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  return {
    host,
    connector,
    runtime,
    now,
    post,
    say: (user, text, conversation) =>
      post(activityFrom(connector.serviceUrl, user, { ...personalChat(user), ...conversation }, { type: 'message', text })),
    async close() {
      await host.close();
      await connector.close();
    },
  };
}

let seq = 0;
export function activityFrom(
  serviceUrl: string,
  user: typeof PRIYA & { tenantId?: string },
  conversation: Conversation,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  // People sign in from their own organisation's tenant; most demo people share the host tenant.
  const TENANT = user.tenantId ?? HOST_TENANT;
  return {
    id: `act-${++seq}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: '28:concordat-bot', name: 'Concordat' },
    conversation: { id: conversation.id, conversationType: conversation.conversationType, tenantId: TENANT, isGroup: conversation.conversationType !== 'personal' },
    channelData: {
      tenant: { id: TENANT },
      ...(conversation.teamId ? { team: { id: conversation.teamId, name: conversation.teamName } } : {}),
      ...(conversation.channelId ? { channel: { id: conversation.channelId } } : {}),
    },
    locale: 'en-GB',
    ...extra,
  };
}

/** The Adaptive Card of a sent activity, if it has one. */
export function cardOf(a: { activity: { attachments?: { contentType: string; content: any }[] } }): any {
  return a.activity.attachments?.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** The references of the incidents a card's rows open (each row's select action is View details), in card order. */
export function openable(card: any): string[] {
  const out: string[] = [];
  const walk = (n: any) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      if (n.selectAction?.verb === 'incident.view') out.push(n.selectAction.data.reference);
      Object.values(n).forEach(walk);
    }
  };
  walk(card.body);
  return out;
}

export function textOfCard(card: any): string {
  const out: string[] = [];
  const walk = (n: any) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n && typeof n === 'object') {
      for (const [k, v] of Object.entries(n)) {
        if (typeof v === 'string' && ['text', 'title', 'value', 'label', 'placeholder'].includes(k)) out.push(v);
        else walk(v);
      }
    }
  };
  walk(card);
  return out.join('\n');
}

/** The element with this id anywhere in a card (inputs sit inside containers and columns). */
export function findById(card: any, id: string): any {
  let found: any;
  const walk = (n: any) => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    if (n.id === id) found = n;
    else Object.values(n).forEach(walk);
  };
  walk(card);
  return found;
}
