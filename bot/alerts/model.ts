import { z } from 'zod';
import { Alert } from '../domain/alert';
import { Instant } from '../domain/common';
import { OrganisationId } from '../domain/organisation';

export const Acknowledgement = z.object({
  organisationId: OrganisationId,
  byName: z.string().max(120),
  at: Instant,
});
export type Acknowledgement = z.infer<typeof Acknowledgement>;

/** An alert with what happened to it: where it went, who acknowledged, whether it was escalated. */
export const AlertRecord = z.object({
  alert: Alert,
  source: z.enum(['card', 'api']),
  /** The outbox batch of the fan-out, for delivery tracking. */
  batchId: z.string(),
  /** Outbox item ids of the original posts, one per channel, so acknowledgements can update them. */
  posts: z.array(z.object({ itemId: z.string(), conversationId: z.string() })),
  /** Organisations expected to acknowledge: those serving the alert's boroughs. */
  expectedOrganisations: z.array(OrganisationId),
  acknowledgements: z.array(Acknowledgement),
  escalation: z.object({ dueAt: Instant, sentAt: Instant.optional() }).optional(),
});
export type AlertRecord = z.infer<typeof AlertRecord>;

/** A partner request seen once: refuses replays and makes retries with the same key safe. */
export const PartnerRequest = z.object({
  partnerId: z.string(),
  key: z.string(),
  bodyHash: z.string(),
  result: z.object({ status: z.number().int(), body: z.record(z.unknown()) }),
  at: Instant,
});
export type PartnerRequest = z.infer<typeof PartnerRequest>;
