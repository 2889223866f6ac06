import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import { verifySignature } from './rules/signature';
import { ConcurrencyError } from '../store/errors';
import { findPartnerRequest, freeKey, keepAnswer, recordOnce, retakePartnerRequest } from './repository';
import { lazySchema } from '../common/lazySchema';

export const MAX_BODY_BYTES = 64 * 1024;

export interface SignedRequest {
  headers: Record<string, string | undefined>;
  body: string;
}
export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}
export interface Partner {
  id: string;
  organisationId: string;
}

/** A partner key asking for more than its organisation may do (bot/partners/capabilities.ts): 403, logged. */
export function forbidden(ctx: AppContext, partnerId: string, message: string, field?: string): JsonResponse {
  ctx.log.warn('partner request refused: beyond its capabilities', { partner: partnerId, reason: message });
  return { status: 403, body: { error: message, ...(field ? { details: [{ field, message }] } : {}) } };
}

const IdempotencyKey = lazySchema(() => z.string().regex(/^[A-Za-z0-9_-]{8,100}$/));

/**
 * The gate in front of every partner-system endpoint: size limit, partner
 * id, HMAC signature within 5 minutes, replay refusal, idempotency key and a
 * zod-validated JSON body. A retry with the same key and body gets the first
 * answer again; the same key with another body is a conflict.
 */
export async function handleSignedRequest<S extends z.ZodTypeAny>(
  ctx: AppContext,
  req: SignedRequest,
  schema: S,
  action: (partner: Partner, body: z.output<S>, idempotencyKey: string) => Promise<JsonResponse>,
): Promise<JsonResponse> {
  const error = (status: number, message: string, details?: unknown): JsonResponse => ({
    status,
    body: { error: message, ...(details === undefined ? {} : { details }) },
  });
  if (Buffer.byteLength(req.body, 'utf8') > MAX_BODY_BYTES) return error(413, `the body is over ${MAX_BODY_BYTES / 1024} KB`);

  const partnerId = req.headers['x-concordat-partner'];
  const partner = partnerId ? ctx.config.partners.get(partnerId) : undefined;
  if (!partnerId || !partner) return error(401, 'x-concordat-partner must name a registered partner system');

  const check = verifySignature({
    secret: partner.secret,
    timestamp: req.headers['x-concordat-timestamp'],
    signature: req.headers['x-concordat-signature'],
    body: req.body,
    now: ctx.clock(),
  });
  if (!check.ok) return error(401, check.reason);

  const key = IdempotencyKey.safeParse(req.headers['idempotency-key']);
  if (!key.success) return error(400, 'idempotency-key must be 8-100 letters, digits, - or _ (a UUID is ideal)');

  // A signature is accepted once: replaying a captured request within the window is refused.
  const signature = req.headers['x-concordat-signature']!;
  const first = await recordOnce(ctx, { partnerId, key: `sig.${signature.slice(7)}`, bodyHash: '', result: { status: 0, body: {} }, at: ctx.clock().toISOString() });
  if (!first) return error(401, 'this request has been seen before (replay refused); sign each attempt afresh');

  let json: unknown;
  try {
    json = JSON.parse(req.body);
  } catch {
    return error(400, 'the body is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return error(400, 'the body is not valid', parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })));
  }

  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const claim = await claimKey(ctx, partnerId, `key.${key.data}`, bodyHash);
  if (claim.kind === 'conflict') return error(409, 'this idempotency-key was used with a different body');
  if (claim.kind === 'busy') return error(409, 'a request with this idempotency-key is still being processed: retry in a few seconds');
  if (claim.kind === 'replay') return { status: claim.result.status, body: { ...claim.result.body, replayed: true } };

  const row = { partnerId, key: `key.${key.data}`, bodyHash };
  let result: JsonResponse;
  try {
    result = await action({ id: partnerId, organisationId: partner.organisationId }, parsed.data, key.data);
  } catch (err) {
    // Nothing was decided: free the key so that the partner's retry runs the action (itself idempotent) again.
    await freeKey(ctx, partnerId, row.key);
    throw err;
  }
  if (result.status < 500) await keepAnswer(ctx, { ...row, result, at: ctx.clock().toISOString() });
  else await freeKey(ctx, partnerId, row.key);
  return result;
}

/** How long a claimed key may stay unanswered before a retry takes it over (the claimant crashed). */
const ABANDONED_AFTER_MS = 2 * 60_000;
const PENDING = { status: 0, body: {} };

type Claim = { kind: 'owner' } | { kind: 'conflict' } | { kind: 'busy' } | { kind: 'replay'; result: JsonResponse };

/**
 * Create-once on the idempotency key, before the action runs: of two
 * concurrent requests with one key, exactly one inserts the row and acts.
 * The other gets the first one's answer (same body), a conflict (another
 * body), or "still being processed". Checking for the row and then acting
 * let both through.
 */
async function claimKey(ctx: AppContext, partnerId: string, rowKey: string, bodyHash: string): Promise<Claim> {
  const pending = { partnerId, key: rowKey, bodyHash, result: PENDING };
  if (await recordOnce(ctx, { ...pending, at: ctx.clock().toISOString() })) return { kind: 'owner' };
  const seen = await findPartnerRequest(ctx, partnerId, rowKey);
  if (!seen) return claimKey(ctx, partnerId, rowKey, bodyHash); // freed meanwhile (the first attempt failed): try again
  if (seen.value.bodyHash !== bodyHash) return { kind: 'conflict' };
  if (seen.value.result.status !== 0) return { kind: 'replay', result: seen.value.result as JsonResponse };
  if (ctx.clock().getTime() - Date.parse(seen.value.at) < ABANDONED_AFTER_MS) return { kind: 'busy' };
  try {
    await retakePartnerRequest(ctx, { ...pending, at: ctx.clock().toISOString() }, seen.etag);
    return { kind: 'owner' };
  } catch (err) {
    if (err instanceof ConcurrencyError) return { kind: 'busy' };
    throw err;
  }
}
