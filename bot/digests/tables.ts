import { table, type TablesOf } from '../store/tableDef';
import { BoroughWeekStats, DigestAllowance, DigestDelivery, DigestSubscription } from './model';

/** The digest slice's tables and the only place their keys are spelt; touched only by bot/digests/repository.ts. */
export const subscriptionKeys = (owner: string) => ({ partitionKey: 'sub', rowKey: owner });
export const allowanceKeys = (aadObjectId: string) => ({ partitionKey: 'allow', rowKey: aadObjectId });
export const weekStatsKeys = (week: string, borough: string) => ({ partitionKey: week, rowKey: borough });
export const deliveryKeys = (owner: string, week: string) => ({ partitionKey: owner, rowKey: week });

export const DIGEST_TABLES = {
  digestSubscriptions: table({
    name: 'DigestSubscriptions',
    schema: DigestSubscription,
    keys: (s) => subscriptionKeys(s.owner),
    retention: { holds: "a person's digest subscription", retention: 'while subscribed', enforcedBy: 'deleted when the person unsubscribes or leaves' },
  }),
  digestAllowances: table({
    name: 'DigestAllowances',
    schema: DigestAllowance,
    keys: (a) => allowanceKeys(a.aadObjectId),
    retention: { holds: 'people allowed digests by an administrator', retention: 'while allowed', enforcedBy: 'deleted when the allowance is withdrawn' },
  }),
  weekStats: table({
    name: 'WeekStats',
    schema: BoroughWeekStats,
    // One partition per ISO week: a week's figures for every borough are one partition read.
    keys: (w) => weekStatsKeys(w.week, w.borough),
    retention: {
      holds: 'cached digest figures per borough-week (may name hotspot areas)',
      retention: 'the incident retention after the week',
      enforcedBy: 'deleted when an incident of the week is anonymised, and by the retention run',
    },
  }),
  digestDeliveries: table({
    name: 'DigestDeliveries',
    schema: DigestDelivery,
    // One partition per subscription, one row per reported ISO week: the idempotency key of weekly delivery.
    keys: (d) => deliveryKeys(d.owner, d.week),
    columns: (d) => ({ status: d.status }),
    retention: { holds: 'which weekly digest was delivered to whom', retention: 'the incident retention after the week', enforcedBy: 'retention run' },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof DIGEST_TABLES> {}
}
