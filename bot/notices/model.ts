import { z } from 'zod';
import { Instant } from '../common/common';
import { EntraObjectId } from '../common/member';
import { lazySchema } from '../common/lazySchema';

/**
 * A private notice kept for one person because Concordat could not send it
 * to a personal chat (they have none: notices/rules/reach.ts). It waits here
 * until they open it from a channel card, shown to them alone.
 */

/** Bounded so one row stays far below the 64 KiB property limit, and the card below Teams' 28 KB. */
export const MAX_NOTICE_CARD_CHARS = 24_000;

/** What the notice is about: what is re-checked against the person's access every time they open it. */
export const NoticeAbout = lazySchema(() => z.discriminatedUnion('kind', [
  /** A repeat-complaint (ASB case review) warning, sent to leads of the reporting organisation and the police. */
  z.object({ kind: z.literal('repeatComplaint'), reference: z.string().min(1).max(32), reporterOrganisationId: z.string().min(1).max(64) }),
  /** A reminder before a joint operation, sent to its participants and coordinator. */
  z.object({ kind: z.literal('reminder'), operationId: z.string().min(1).max(64) }),
]));
export type NoticeAbout = z.infer<typeof NoticeAbout>;

export const PrivateNotice = lazySchema(() => z.object({
  recipient: EntraObjectId,
  /** Derived from what it is for (e.g. "repeat:STO-2026-000123"): the same notice is kept once, however often a step is retried. */
  id: z.string().min(3).max(200).regex(/^[A-Za-z0-9:._|-]+$/),
  about: NoticeAbout,
  /** One line for the list: no names, addresses or free text. */
  title: z.string().min(1).max(200),
  /** The card that would have gone to their personal chat. */
  card: z
    .object({ type: z.literal('AdaptiveCard'), version: z.string() })
    .passthrough()
    .refine((c) => JSON.stringify(c).length <= MAX_NOTICE_CARD_CHARS, `a notice's card is at most ${MAX_NOTICE_CARD_CHARS} characters`),
  keptAt: Instant,
  /** First opened by the person (retention counts from here). */
  openedAt: Instant.optional(),
}));
export type PrivateNotice = z.infer<typeof PrivateNotice>;
