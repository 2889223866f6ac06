/**
 * What scheduling, moving and cancelling post, always through the durable
 * outbox with ids derived from what the message is for: a retried request,
 * a redelivered invoke or a second timer run enqueues nothing twice.
 */
import { createHash } from 'node:crypto';
import type { AppContext } from '../context';
import type { ConversationReference } from '../domain/conversation';
import type { JointOperation } from '../domain/operation';
import { enqueue, type OutgoingMessage } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import type { AdaptiveCard } from '../../cards/render';
import { operationChannels } from './recipients';

/** A short stable key for a conversation id, which may hold characters outbox ids cannot. */
export function conversationKey(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('hex').slice(0, 16);
}

export const postBatch = (op: Pick<JointOperation, 'id'>) => `op.${op.id}`;
export const postItemId = (op: Pick<JointOperation, 'id'>, conversationId: string) => `op.${op.id}.post.${conversationKey(conversationId)}`;

/** Posts the operation card to the channels recorded on the operation. */
export async function postToChannels(ctx: AppContext, op: JointOperation, card: AdaptiveCard, summary: string): Promise<number> {
  const channels = await operationChannels(ctx, op.channelConversationIds);
  const messages: OutgoingMessage[] = channels.map((c) => ({
    id: postItemId(op, c.conversationId),
    target: targetOf(c),
    payload: { card, summary },
  }));
  await enqueue(ctx, postBatch(op), messages);
  return channels.length;
}

/**
 * Replaces the channel posts with a new card. `tag` names the change (v3,
 * cancelled, outcomes-…): one update per change, however often it is retried.
 */
export async function updateChannelPosts(ctx: AppContext, op: JointOperation, tag: string, card: AdaptiveCard, summary: string): Promise<void> {
  const channels = await operationChannels(ctx, op.channelConversationIds);
  const messages: OutgoingMessage[] = channels.map((c) => ({
    id: `op.${op.id}.${tag}.upd.${conversationKey(c.conversationId)}`,
    target: targetOf(c),
    payload: { card, summary },
    updateOf: { batchId: postBatch(op), id: postItemId(op, c.conversationId) },
  }));
  await enqueue(ctx, `op.${op.id}.${tag}`, messages);
}

/** One personal message per person, each with an id of `<batch>.p.<person>`. */
export async function sendPersonal(
  ctx: AppContext,
  batchId: string,
  people: { aadObjectId: string; chat: ConversationReference; card: AdaptiveCard; summary: string }[],
): Promise<void> {
  await enqueue(
    ctx,
    batchId,
    people.map((p) => ({ id: `${batchId}.p.${p.aadObjectId}`, target: targetOf(p.chat), payload: { card: p.card, summary: p.summary } })),
  );
}

/** The same card to several channels (a reminder for people Concordat cannot reach privately). */
export async function sendToChannels(ctx: AppContext, batchId: string, channels: ConversationReference[], card: AdaptiveCard, summary: string): Promise<void> {
  await enqueue(
    ctx,
    batchId,
    channels.map((c) => ({ id: `${batchId}.c.${conversationKey(c.conversationId)}`, target: targetOf(c), payload: { card, summary } })),
  );
}
