/**
 * Bot turns over HTTP for benchmarks: a Bot Framework activity POSTed to the
 * local Functions host's /api/messages, as Teams would send it.
 */
export const TENANT = '00000000-0000-4000-8000-0000000c0dec';

export interface BenchUser {
  aadObjectId: string;
  name: string;
}

export interface Where {
  id: string;
  conversationType: 'personal' | 'channel';
  teamId?: string;
}

export const personal = (userIndex: number): Where => ({ id: `a:bench-${userIndex}`, conversationType: 'personal' });

let seq = 0;

export function activity(serviceUrl: string, user: BenchUser, userIndex: number, where: Where, extra: Record<string, unknown>) {
  return {
    id: `bench-${++seq}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    // A person's Teams user id is theirs (one per person, as in Teams), whichever bench slot sends the turn: a slot's
    // id handed from one person to another would look like a new Teams id each time (bot/userViews records each).
    from: { id: `29:bench-${user.aadObjectId}`, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: '28:concordat-bot', name: 'Concordat' },
    conversation: { id: where.id, conversationType: where.conversationType, tenantId: TENANT, isGroup: where.conversationType !== 'personal' },
    channelData: { tenant: { id: TENANT }, ...(where.teamId ? { team: { id: where.teamId }, channel: { id: where.id } } : {}) },
    locale: 'en-GB',
    ...extra,
  };
}

/** How a bench's users send a turn: POST the body, time it to the last byte of the answer. */
export type Poster = (url: string, body: string) => Promise<{ ms: number; status: number; text: string }>;

/** In this thread (a few sequential turns); benches that time many concurrent users use support/clientThread.ts. */
export const postHere: Poster = async (url, body) => {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  return { ms: performance.now() - started, status: res.status, text };
};

/** An Action.Execute of `verb`; returns the card the bot answered with, and how long the turn took. */
export async function execute(
  hostUrl: string,
  serviceUrl: string,
  user: BenchUser,
  userIndex: number,
  verb: string,
  data: Record<string, unknown>,
  where: Where = personal(userIndex),
  post: Poster = postHere,
): Promise<{ ms: number; status: number; card: unknown }> {
  const body = JSON.stringify(
    activity(serviceUrl, user, userIndex, where, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' } }),
  );
  const { ms, status, text } = await post(`${hostUrl}/api/messages`, body);
  let card: unknown;
  try {
    card = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    card = undefined;
  }
  return { ms, status, card };
}

/** Every TextBlock and fact of a card, joined (enough to check what a card says). */
export function textOf(card: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      if (typeof o.title === 'string') out.push(o.title);
      if (typeof o.value === 'string') out.push(o.value);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out.join('\n');
}
