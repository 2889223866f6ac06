import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { auditPageTokenRefusal } from '../conversation/refusalAudit';
import { deliveryStatus } from '../outbox/enqueue';
import { PAGE_TOKEN_EXPIRED, signPageToken, verifyPageToken } from '../search/rules/pageToken';
import type { AlertRecord } from './model';
import type { Stored } from '../store/entityTable';
import { alertsById, alertTimelinePage, ensureAlertTimeline, keepSettledDelivery } from './repository';
import { ALERT_VERBS } from './verbs';

/** Alerts a page: each costs two point reads (the alert, its delivery), so a page is a bounded number of requests. */
export const ALERT_PAGE_SIZE = 10;
/** How far back the list looks. */
export const ALERT_LIST_DAYS = 14;

/** What a "More" token pages: the window fixed when the first page was read, so later pages continue the same list. */
const AlertsPage = z.object({ list: z.literal('alerts'), since: z.string().datetime(), until: z.string().datetime() });

type DeliveryStatus = Awaited<ReturnType<typeof deliveryStatus>>;

export interface ListedAlert {
  record: AlertRecord;
  delivery: DeliveryStatus;
}

/**
 * An alert's delivery: kept on the alert once settled (no read beyond the alert's own), otherwise read from its
 * posts, one partition read, and kept if it has now settled: every post enqueued (as many as the alert's channels)
 * and none waiting or being retried. Posts that have settled do not change again.
 */
async function deliveryOf(ctx: AppContext, stored: Stored<AlertRecord>, now: Date): Promise<DeliveryStatus> {
  const kept = stored.value.delivery;
  if (kept) return { total: kept.total, delivered: kept.delivered, retrying: 0, waiting: 0, failed: kept.failed, removed: kept.removed, cancelled: kept.cancelled };
  const status = await deliveryStatus(ctx, stored.value.batchId);
  const expected = stored.value.channels ?? (stored.value.posts?.length || undefined);
  if (expected !== undefined && status.total >= expected && status.retrying === 0 && status.waiting === 0) {
    await keepSettledDelivery(ctx, stored, { total: status.total, delivered: status.delivered, failed: status.failed, removed: status.removed, cancelled: status.cancelled, settledAt: now.toISOString() });
  }
  return status;
}

export type AlertListResult =
  | { ok: true; alerts: ListedAlert[]; days: number; /** A later page (from "More"). */ continued: boolean; /** The next page's signed token. */ more?: string }
  | { ok: false; reason: 'someone-else' | 'expired' | 'tampered' };

/**
 * One page of the alerts for the caller's boroughs (every borough for an
 * administrator), newest first: one range read of the AlertTimeline, then
 * the page's alerts and their delivery by point reads. "More" carries the
 * storage continuation in a token signed for the caller (bot/search/rules/
 * pageToken.ts); which boroughs the caller may see is decided again on every
 * page, the token only says where to read next. A token that is not the
 * caller's, was edited or has expired is refused: nothing is read.
 */
export async function listRecentAlerts(ctx: AppContext, caller: Caller, input: { more?: string } = {}): Promise<AlertListResult> {
  const now = ctx.clock();
  const user = caller.aadObjectId ?? '';
  let page: z.infer<typeof AlertsPage>;
  let continuation: string | undefined;
  if (input.more !== undefined) {
    const resumed = verifyPageToken(ctx.config.referenceHashKey, input.more, user, AlertsPage, now);
    if (!resumed.ok) {
      const reason = resumed.reason === 'page token belongs to someone else' ? 'someone-else' : resumed.reason === PAGE_TOKEN_EXPIRED ? 'expired' : 'tampered';
      await auditPageTokenRefusal(ctx, { aadObjectId: caller.aadObjectId, organisationId: caller.organisation?.id }, `action:${ALERT_VERBS.list}`, 'alerts', resumed.reason);
      return { ok: false, reason };
    }
    page = resumed.query;
    continuation = resumed.continuation;
  } else {
    page = { list: 'alerts', since: new Date(now.getTime() - ALERT_LIST_DAYS * 86_400_000).toISOString(), until: now.toISOString() };
  }
  const boroughs = caller.member?.roles.includes('admin') ? undefined : (caller.organisation?.boroughs ?? []);
  if (boroughs && boroughs.length === 0) return { ok: true, alerts: [], days: ALERT_LIST_DAYS, continued: continuation !== undefined };

  await ensureAlertTimeline(ctx);
  const found = await alertTimelinePage(ctx, { since: new Date(page.since), until: new Date(page.until), boroughs, size: ALERT_PAGE_SIZE, continuation });
  const records = await alertsById(ctx, found.alertIds);
  const alerts = await Promise.all(
    found.alertIds.flatMap((id) => {
      const stored = records.get(id);
      return stored ? [deliveryOf(ctx, stored, now).then((delivery) => ({ record: stored.value, delivery }))] : [];
    }),
  );
  const more = found.next ? signPageToken(ctx.config.referenceHashKey, { user, query: page, continuation: found.next }, now) : undefined;
  return { ok: true, alerts, days: ALERT_LIST_DAYS, continued: continuation !== undefined, ...(more ? { more } : {}) };
}
