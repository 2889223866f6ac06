import { recordAudit } from '../audit/record';
import type { AppContext } from '../kernel/context';
import { EntraObjectId } from '../common/member';
import { stableId } from '../common/stableId';
import { PAGE_TOKEN_EXPIRED } from '../search/rules/pageToken';

/** A refusal is audited once per caller, route and window; later ones in the window are only logged. */
export const REFUSAL_AUDIT_WINDOW_MS = 60 * 60 * 1000;

/** The refusal audit window an instant falls in, numbered from the epoch: part of the ids of rows logged once a window. */
export const refusalWindow = (at: Date): number => Math.floor(at.getTime() / REFUSAL_AUDIT_WINDOW_MS);

/** The start of the refusal audit window an instant falls in, as an ISO instant. */
export const refusalWindowStart = (at: Date): string => new Date(refusalWindow(at) * REFUSAL_AUDIT_WINDOW_MS).toISOString();

/**
 * A refusal that names no real thing (the gate refused the route, or a button
 * named an id that does not exist): one audit row per caller, route and hour.
 * The id is derived from them and the row created once, so a loop of
 * refusals writes one row; the row names the route (a fixed list), never an
 * id the caller made up. A caller without a valid Entra id is only logged.
 */
export async function auditRouteRefusal(
  ctx: AppContext,
  caller: { aadObjectId?: string; organisationId?: string },
  route: string,
  reason: string,
): Promise<void> {
  ctx.log.info('refused', { route, reason });
  const who = EntraObjectId.safeParse(caller.aadObjectId);
  if (!who.success) return;
  const now = ctx.clock();
  const windowStart = refusalWindowStart(now);
  // An event id is logged once: the id names the caller, route and window, so a loop logs one event.
  await recordAudit(ctx, {
    id: stableId('refusal', windowStart, who.data, route),
    at: now.toISOString(),
    action: 'refusal',
    actor: { aadObjectId: who.data, organisationId: caller.organisationId },
    subject: { type: 'route', id: route },
    note: `${reason}; further refusals of this route to this caller in the hour from ${windowStart} are not logged again`.slice(0, 300),
  });
}

/**
 * A list's "More" token that was not followed (bot/search/rules/pageToken.ts says why). Someone else's token, an
 * edited or unreadable one is a button this caller was not given: audited as a refusal of the list's route, once
 * per caller, route and hour. An expired one is the caller's own old button (the list starts again), so it is
 * only logged. Every paged list refuses through here, so they all audit alike.
 */
export async function auditPageTokenRefusal(
  ctx: AppContext,
  caller: { aadObjectId?: string; organisationId?: string },
  route: string,
  list: string,
  reason: string,
): Promise<void> {
  if (reason === PAGE_TOKEN_EXPIRED) {
    ctx.log.info('page token expired', { route });
    return;
  }
  await auditRouteRefusal(ctx, caller, route, `${list} page refused: ${reason}`);
}
