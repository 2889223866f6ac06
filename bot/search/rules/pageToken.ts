import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { lazySchema } from '../../common/lazySchema';

/**
 * The "More" button's token: which list or search, for whom, and where the
 * storage service said the next page starts. Opaque to the client and
 * signed (HMAC-SHA256, a key derived from the deployment's secret), so a
 * token cannot be edited to read another partition or be replayed by
 * another person; it expires after a day. Access is still decided again on
 * every page: a token only says where to read next, never what may be seen.
 */
export const TOKEN_TTL_MS = 24 * 3600_000;

/** Why a token past its time is refused: the caller's own old button, which lists answer with their first page again. */
export const PAGE_TOKEN_EXPIRED = 'page token expired';

const Envelope = lazySchema(() => z.object({
  /** Who may use it (Entra object id). */
  u: z.string().min(1).max(64),
  /** What it pages: the list or search, as the use case defines it. */
  q: z.unknown(),
  /** The storage continuation token. */
  c: z.string().min(1).max(2000),
  /** Expiry, epoch ms. */
  e: z.number().int(),
}));

function keyOf(secret: string): Buffer {
  // Domain separation: the same deployment secret serves other purposes.
  return createHmac('sha256', secret).update('concordat page token v1').digest();
}

export function signPageToken(secret: string, body: { user: string; query: unknown; continuation: string }, now: Date): string {
  const payload = Buffer.from(JSON.stringify({ u: body.user, q: body.query, c: body.continuation, e: now.getTime() + TOKEN_TTL_MS })).toString('base64url');
  const mac = createHmac('sha256', keyOf(secret)).update(payload).digest('base64url');
  return `${payload}.${mac}`;
}

export type PageTokenCheck<Q> = { ok: true; query: Q; continuation: string } | { ok: false; reason: string };

export function verifyPageToken<S extends z.ZodTypeAny>(secret: string, token: unknown, user: string, query: S, now: Date): PageTokenCheck<z.output<S>> {
  if (typeof token !== 'string' || token.length > 4000) return { ok: false, reason: 'no page token' };
  const [payload, mac] = token.split('.');
  if (!payload || !mac) return { ok: false, reason: 'malformed page token' };
  const expected = Buffer.from(createHmac('sha256', keyOf(secret)).update(payload).digest('base64url'));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'page token signature does not match' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed page token' };
  }
  const env = Envelope.safeParse(json);
  if (!env.success) return { ok: false, reason: 'malformed page token' };
  if (env.data.u !== user) return { ok: false, reason: 'page token belongs to someone else' };
  if (env.data.e < now.getTime()) return { ok: false, reason: PAGE_TOKEN_EXPIRED };
  const q = query.safeParse(env.data.q);
  if (!q.success) return { ok: false, reason: 'page token names no known list' };
  return { ok: true, query: q.data as z.output<S>, continuation: env.data.c };
}
