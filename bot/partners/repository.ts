import type { AppContext } from '../kernel/context';
import type { Stored } from '../store/entityTable';
import { ConcurrencyError } from '../store/errors';
import type { PartnerRequest } from './model';
import { partnerRequestKeys } from './tables';

/**
 * The only module that touches the partners slice's table: the requests
 * partner systems sent, kept to refuse replays and answer retries alike.
 */

type Ctx = Pick<AppContext, 'store'>;

/** Records a row that must be new (a signature, an idempotency key's claim): false if it was there already. */
export async function recordOnce(ctx: Ctx, row: PartnerRequest): Promise<boolean> {
  try {
    await ctx.store.partnerRequests.create(row);
    return true;
  } catch (err) {
    if (err instanceof ConcurrencyError) return false;
    throw err;
  }
}

export async function findPartnerRequest(ctx: Ctx, partnerId: string, key: string): Promise<Stored<PartnerRequest> | undefined> {
  return ctx.store.partnerRequests.get(partnerRequestKeys({ partnerId, key }));
}

/** Takes over an abandoned claim, only if nobody else did since it was read (ConcurrencyError otherwise). */
export async function retakePartnerRequest(ctx: Ctx, row: PartnerRequest, etag: string): Promise<void> {
  await ctx.store.partnerRequests.update(row, etag);
}

/** The answer given, kept for the key's retries (one writer: the claim's owner). */
export async function keepAnswer(ctx: Ctx, row: PartnerRequest): Promise<void> {
  await ctx.store.partnerRequests.upsert(row);
}

/** Frees a key (nothing was decided): the partner's retry runs the action again. */
export async function freeKey(ctx: Ctx, partnerId: string, key: string): Promise<void> {
  await ctx.store.partnerRequests.delete(partnerRequestKeys({ partnerId, key })).catch(() => undefined);
}

/** Retention: deletes the requests made before `cutoff`. Returns how many. */
export async function deletePartnerRequestsBefore(ctx: Ctx, cutoff: string): Promise<number> {
  const old = (await ctx.store.partnerRequests.query("PartitionKey ne ''")).filter((row) => row.value.at < cutoff);
  for (const row of old) await ctx.store.partnerRequests.delete(row.keys);
  return old.length;
}
