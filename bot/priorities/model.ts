import { z } from 'zod';
import { BoroughId } from '../domain/borough';

/** The first post of a borough's priorities card in a channel: later versions update it in place. */
export const PriorityPost = z.object({
  borough: BoroughId,
  conversationId: z.string().min(1),
  batchId: z.string(),
  itemId: z.string(),
  version: z.number().int().min(1),
});
export type PriorityPost = z.infer<typeof PriorityPost>;
