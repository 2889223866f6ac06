import { z } from 'zod';
import { BoroughId } from '../common/borough';
import { Id, Instant, ProtectiveMarking } from '../common/common';
import { OrganisationId } from '../common/organisation';
import { ThemeId } from '../common/theme';
import { lazySchema } from '../common/lazySchema';

export const AlertSeverity = lazySchema(() => z.enum(['info', 'warning', 'high']));
export type AlertSeverity = z.infer<typeof AlertSeverity>;

/** A partnership alert: a closure order granted, a spike in hate crime, a warrant day. */
export const Alert = lazySchema(() => z.object({
  id: Id,
  severity: AlertSeverity,
  boroughs: z.array(BoroughId).min(1, 'an alert is for at least one borough'),
  themeId: ThemeId,
  title: z.string().trim().min(5).max(120),
  body: z.string().trim().min(1).max(2000),
  raisedAt: Instant,
  expiresAt: Instant,
  raisedBy: z.object({ organisationId: OrganisationId, displayName: z.string().max(120) }),
  marking: ProtectiveMarking,
})
  .refine((a) => Date.parse(a.expiresAt) > Date.parse(a.raisedAt), {
    message: 'an alert expires after it is raised',
    path: ['expiresAt'],
  })
  .refine((a) => Date.parse(a.expiresAt) - Date.parse(a.raisedAt) <= 90 * 24 * 3600 * 1000, {
    message: 'an alert lasts at most 90 days',
    path: ['expiresAt'],
  }));
export type Alert = z.infer<typeof Alert>;

export const Acknowledgement = lazySchema(() => z.object({
  organisationId: OrganisationId,
  byName: z.string().max(120),
  at: Instant,
}));
export type Acknowledgement = z.infer<typeof Acknowledgement>;

/**
 * Where an alert's posts ended up, once none is waiting or being retried: sent, failed for good, no longer
 * installed, or cancelled. A settled delivery never changes, so it is kept on the alert (bot/alerts/list.ts) and
 * the list reads it with the alert instead of reading every post of the alert again on every page.
 */
export const SettledDelivery = lazySchema(() => z.object({
  total: z.number().int().min(0),
  delivered: z.number().int().min(0),
  failed: z.number().int().min(0),
  removed: z.number().int().min(0),
  cancelled: z.number().int().min(0),
  settledAt: Instant,
}));
export type SettledDelivery = z.infer<typeof SettledDelivery>;

/** An alert with what happened to it: where it went, who acknowledged, whether it was escalated. */
export const AlertRecord = lazySchema(() => z.object({
  alert: Alert,
  source: z.enum(['card', 'api']),
  /** The outbox batch of the fan-out, for delivery tracking. */
  batchId: z.string(),
  /**
   * Where the alert was posted lives in AlertDeliveries, a row per channel: a list here overflowed Azure's
   * 64 KiB property at about 280 channels. Rows written before that change may still carry it.
   */
  posts: z.array(z.object({ itemId: z.string(), conversationId: z.string() })).optional(),
  /** How many channels the alert was posted to (its AlertDeliveries rows). */
  channels: z.number().int().min(0).optional(),
  /** Organisations expected to acknowledge: those serving the alert's boroughs. */
  expectedOrganisations: z.array(OrganisationId),
  acknowledgements: z.array(Acknowledgement),
  escalation: z.object({ dueAt: Instant, sentAt: Instant.optional() }).optional(),
  /** Its posts' delivery, once settled (absent until then). */
  delivery: SettledDelivery.optional(),
}));
export type AlertRecord = z.infer<typeof AlertRecord>;

/** One channel an alert was posted to: the outbox item of the post, so acknowledgements and escalations update it. */
export const AlertDelivery = lazySchema(() => z.object({
  alertId: z.string().min(1),
  conversationId: z.string().min(1),
  itemId: z.string().min(1),
}));
export type AlertDelivery = z.infer<typeof AlertDelivery>;

/**
 * An alert's place in the newest-first list (the AlertTimeline table, keyed by time in bot/alerts/tables.ts): which
 * alert, when and for which boroughs. Written before the alert itself and never changed; the alert row stays keyed
 * by its id, so looking an alert up stays one point read.
 */
export const AlertListing = lazySchema(() => z.object({
  kind: z.literal('listing'),
  alertId: Id,
  raisedAt: Instant,
  boroughs: z.array(BoroughId).min(1),
}));
export type AlertListing = z.infer<typeof AlertListing>;

/**
 * Says that every alert stored before the timeline existed has its listing (bot/alerts/repository.ts
 * ensureAlertTimeline): one row, written once the backfill has run.
 */
export const AlertTimelineMark = lazySchema(() => z.object({ kind: z.literal('backfilled'), version: z.literal(1), at: Instant }));
export type AlertTimelineMark = z.infer<typeof AlertTimelineMark>;

export const AlertTimelineRow = lazySchema(() => z.discriminatedUnion('kind', [AlertListing, AlertTimelineMark]));
export type AlertTimelineRow = z.infer<typeof AlertTimelineRow>;
