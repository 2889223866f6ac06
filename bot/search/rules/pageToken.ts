import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { lazySchema } from '../../common/lazySchema';

/**
 * The "More" button's token (and the search's "Ask" button's): which list or
 * search, for whom, and where the storage service said the next page starts.
 * Sealed with AES-256-GCM under a key derived from the deployment's secret:
 * authenticated, so it cannot be edited to read another partition, be
 * replayed by another person, or come from another deployment; and
 * encrypted, because what it carries is not the holder's to read. A search's
 * continuation is the next index row's key (when an incident happened, and
 * its reference), and an "Ask" button lists the references of incidents the
 * holder may not see: signed but readable, a partner could decode them from
 * the card. It expires after a day. Access is still decided again on every
 * page: a token only says where to read next, never what may be seen.
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

/** Bytes of the GCM nonce and tag around the sealed envelope. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bound to the token's purpose: the same deployment secret serves other purposes (reference hashes). */
const PURPOSE = Buffer.from('concordat page token v2');

function keyOf(secret: string): Buffer {
  // Domain separation: a 32-byte key for this purpose only, derived from the deployment secret.
  return createHmac('sha256', secret).update(PURPOSE).digest();
}

export function signPageToken(secret: string, body: { user: string; query: unknown; continuation: string }, now: Date): string {
  const plain = Buffer.from(JSON.stringify({ u: body.user, q: body.query, c: body.continuation, e: now.getTime() + TOKEN_TTL_MS }), 'utf8');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(PURPOSE);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

export type PageTokenCheck<Q> = { ok: true; query: Q; continuation: string } | { ok: false; reason: string };

/** The envelope's text, or undefined when the token was not sealed by this deployment's key as it stands (edited, forged, truncated). */
function unseal(secret: string, token: string): string | undefined {
  const raw = Buffer.from(token, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES || raw.toString('base64url') !== token) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(PURPOSE);
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export function verifyPageToken<S extends z.ZodTypeAny>(secret: string, token: unknown, user: string, query: S, now: Date): PageTokenCheck<z.output<S>> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 4000) return { ok: false, reason: 'no page token' };
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'malformed page token' };
  // The reason keeps its old words ("signature"): lists and audit notes name an edited or foreign token by it.
  const text = unseal(secret, token);
  if (text === undefined) return { ok: false, reason: 'page token signature does not match' };
  let json: unknown;
  try {
    json = JSON.parse(text);
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
