import { z } from 'zod';
import { BoroughId } from '../common/borough';
import { Instant } from '../common/common';
import { WeekStats } from './rules/digest';
import { EntraObjectId } from '../common/member';
import { OrganisationId } from '../common/organisation';
import { ThemeId } from '../common/theme';
import { lazySchema } from '../common/lazySchema';

/** Where a subscription's digests go: the owner's 1:1 chat with the bot, or a channel an admin has mapped. */
export const DigestDestination = lazySchema(() => z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('personal') }),
  z.object({ kind: z.literal('channel'), conversationId: z.string().min(1).max(400) }),
]));
export type DigestDestination = z.infer<typeof DigestDestination>;

export const LocalTime = lazySchema(() => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 08:00'));

/** One person's weekly digest: one card per theme, every week at their local day and time. One per person. */
export const DigestSubscription = lazySchema(() => z.object({
  owner: EntraObjectId,
  organisationId: OrganisationId,
  themes: z.array(ThemeId).min(1, 'Choose at least one theme').max(10),
  boroughs: z.array(BoroughId).min(1, 'Choose at least one borough'),
  /** ISO weekday, 1 Monday … 7 Sunday. */
  day: z.number().int().min(1).max(7),
  time: LocalTime,
  timeZone: z.string().min(1),
  destination: DigestDestination,
  createdAt: Instant,
  updatedAt: Instant,
  /** The week of the last digest done (sent or skipped): a timer run passes over it with no storage call until a later week is due. */
  lastWeek: z.string().regex(/^\d{4}-W\d{2}$/).optional(),
}));
export type DigestSubscription = z.infer<typeof DigestSubscription>;

/** Someone who is not a theme lead, allowed by an admin to receive digests. */
export const DigestAllowance = lazySchema(() => z.object({ aadObjectId: EntraObjectId, allowedBy: EntraObjectId, at: Instant }));
export type DigestAllowance = z.infer<typeof DigestAllowance>;

export const IsoWeekLabel = lazySchema(() => z.string().regex(/^\d{4}-W\d{2}$/));

/**
 * The claim of one subscription's digest for one week: created once (a
 * second timer run finds it and stops), leased while the cards are built and
 * enqueued, then marked sent. Its keys are the idempotency key.
 */
export const DigestDelivery = lazySchema(() => z.object({
  owner: EntraObjectId,
  week: IsoWeekLabel,
  status: z.enum(['claimed', 'sent', 'skipped']),
  claimedAt: Instant,
  leaseUntil: Instant,
  attempts: z.number().int().min(1),
  /** The outbox items it enqueued (deterministic from owner, week and theme). */
  itemIds: z.array(z.string()).default([]),
  sentAt: Instant.optional(),
  reason: z.string().max(200).optional(),
}));
export type DigestDelivery = z.infer<typeof DigestDelivery>;

/**
 * A borough-week's digest figures (domain/digest.ts WeekStats), computed from
 * its Incidents partition by a reader and tagged with the partition's `~mark`
 * nonce read before computing ('' when it had none): current while the
 * marker keeps that nonce. docs/storage.md "Weekly digests".
 */
export const BoroughWeekStats = lazySchema(() => z.object({
  week: IsoWeekLabel,
  borough: BoroughId,
  mark: z.string().max(64),
  computedAt: Instant,
  stats: WeekStats,
}));
export type BoroughWeekStats = z.infer<typeof BoroughWeekStats>;
