import { z } from 'zod';
import { Instant } from '../common/common';
import { lazySchema } from '../common/lazySchema';

/** A partner request seen once: refuses replays and makes retries with the same key safe. */
export const PartnerRequest = lazySchema(() => z.object({
  partnerId: z.string(),
  key: z.string(),
  bodyHash: z.string(),
  result: z.object({ status: z.number().int(), body: z.record(z.unknown()) }),
  at: Instant,
}));
export type PartnerRequest = z.infer<typeof PartnerRequest>;
