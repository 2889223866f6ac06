import { z } from 'zod';
import { Instant } from '../common/common';
import { lazySchema } from '../common/lazySchema';

/**
 * Where the bot can post proactively. Stored when the bot is installed, in
 * the shape Bot Framework needs to continue a conversation.
 */
export const ConversationReference = lazySchema(() => z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('personal'),
    conversationId: z.string().min(1),
    serviceUrl: z.string().url(),
    tenantId: z.string().min(1),
    userAadObjectId: z.string().uuid(),
    installedAt: Instant,
  }),
  z.object({
    kind: z.literal('groupChat'),
    conversationId: z.string().min(1),
    serviceUrl: z.string().url(),
    tenantId: z.string().min(1),
    title: z.string().max(200).optional(),
    installedAt: Instant,
  }),
  z.object({
    kind: z.literal('channel'),
    conversationId: z.string().min(1),
    serviceUrl: z.string().url(),
    tenantId: z.string().min(1),
    teamId: z.string().min(1),
    channelId: z.string().min(1),
    teamName: z.string().max(200).optional(),
    channelName: z.string().max(200).optional(),
    installedAt: Instant,
  }),
]));
export type ConversationReference = z.infer<typeof ConversationReference>;
